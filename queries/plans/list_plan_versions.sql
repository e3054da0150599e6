-- Plan $plan_id's versions, newest first: version, who saved it (name), when, the summary of
-- what changed, and the snapshot (JSON of the whole plan after that save).
select
    plan_versions.version,
    users.display_name as saved_by_name,
    plan_versions.saved_at,
    plan_versions.change_summary,
    plan_versions.snapshot
from plan_versions
left join users on users.user_id = plan_versions.saved_by
where plan_versions.plan_id = $plan_id
order by plan_versions.version desc
