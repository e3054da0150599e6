-- Appends plan assignments from the registered table comp_assignment_rows (one row per rep:
-- rep_id, period_start, period_end, plan_id, plan_version, quota as text, quota_source, note,
-- assigned_by); returns each new assignment_id with its rep_id.
insert into comp_assignments (
    rep_id, period_start, period_end, plan_id, plan_version, quota, quota_source, note,
    assigned_by
)
select
    rep_id::integer,
    period_start::date,
    period_end::date,
    plan_id::integer,
    plan_version::integer,
    quota::decimal(18, 2),
    quota_source,
    note,
    assigned_by::integer
from comp_assignment_rows
returning assignment_id, rep_id
