-- Gives every goal key (scope, period, metric) that has goals but no key row one, held by its
-- lowest goal_id: for goals written in bulk (the demo), not one by one. No parameters, no rows
-- returned.
insert into goal_keys (scope_kind, scope_key, period_start, period_end, metric, goal_id)
with missing as (
    select
        goals.scope_kind,
        coalesce(goals.scope_id, 0) as scope_key,
        goals.period_start,
        goals.period_end,
        goals.metric,
        min(goals.goal_id) as goal_id
    from goals
    where not exists (
        select 1
        from goal_keys as held
        where held.scope_kind = goals.scope_kind
            and held.scope_key = coalesce(goals.scope_id, 0)
            and held.period_start = goals.period_start
            and held.period_end = goals.period_end
            and held.metric = goals.metric
    )
    group by goals.scope_kind, coalesce(goals.scope_id, 0), goals.period_start,
        goals.period_end, goals.metric
)

select scope_kind, scope_key, period_start, period_end, metric, goal_id
from missing
