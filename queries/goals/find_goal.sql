-- The goal (at most one row) for scope $subject_kind / $subject_id (null id = the company),
-- period $period_kind starting $period_start, and $metric: goal_id, version, target,
-- parent_goal_id and split_warning.
select goal_id, version, target, parent_goal_id, split_warning
from goals
where scope_kind = $subject_kind
    and scope_id is not distinct from $subject_id
    and period_kind = $period_kind
    and period_start = cast($period_start as date)
    and metric = $metric
order by goal_id
limit 1
