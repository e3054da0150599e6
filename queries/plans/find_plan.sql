-- The plan (at most one row: plan_id, version) for scope $subject_kind / $subject_id (null id
-- = the company) and the period $period_kind starting $period_start.
select plan_id, version
from plans
where scope_kind = $subject_kind
    and scope_id is not distinct from $subject_id
    and period_kind = $period_kind
    and period_start = cast($period_start as date)
order by plan_id
limit 1
