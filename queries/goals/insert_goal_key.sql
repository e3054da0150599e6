-- Claims the key (scope, period, metric) of the new goal $goal_id for it. No rows returned;
-- fails on the primary key when another goal holds the key already (another process created
-- the same goal at this moment).
insert into goal_keys (scope_kind, scope_key, period_start, period_end, metric, goal_id)
select
    scope_kind,
    coalesce(scope_id, 0) as scope_key,
    period_start,
    period_end,
    metric,
    goal_id
from goals
where goal_id = $goal_id
