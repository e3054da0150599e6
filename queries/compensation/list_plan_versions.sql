-- One row per saved plan version (every plan when $comp_plan_id is null, else that plan):
-- the plan's name and description, the version's terms, its change note, who saved it and when.
select
    comp_plans.plan_id,
    comp_plans.plan_name,
    comp_plans.description,
    versions.version,
    versions.measure,
    versions.target_incentive,
    versions.cap_multiple,
    versions.clawback_days,
    versions.draw_amount,
    versions.draw_is_recoverable,
    versions.change_note,
    versions.saved_at,
    users.display_name as saved_by_name
from comp_plan_versions as versions
inner join comp_plans on comp_plans.plan_id = versions.plan_id
left join users on users.user_id = versions.saved_by
where $comp_plan_id is null or versions.plan_id = $comp_plan_id
order by comp_plans.plan_name, versions.version
