-- The plan (plan_id, plan_name, latest version) named $plan_name, ignoring case and
-- surrounding spaces; no row when there is none.
select comp_plans.plan_id, comp_plans.plan_name, max(versions.version) as version
from comp_plans
left join comp_plan_versions as versions on versions.plan_id = comp_plans.plan_id
where lower(trim(comp_plans.plan_name)) = lower(trim($plan_name))
group by comp_plans.plan_id, comp_plans.plan_name
