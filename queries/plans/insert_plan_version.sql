-- Appends version $version of plan $plan_id, saved by $user_id at $changed_at, with a
-- $change_summary and the whole plan as JSON ($snapshot).
insert into plan_versions (plan_id, version, saved_by, saved_at, change_summary, snapshot)
values ($plan_id, $version, $user_id, $changed_at, $change_summary, $snapshot)
