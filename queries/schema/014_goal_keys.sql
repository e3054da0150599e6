-- 014_goal_keys: the database itself refuses a second goal for the same scope, period and
-- metric. Two app servers on the shared store can both find no goal at the same moment; every
-- goal created (set, split, import) also writes its key here, and the primary key lets only one
-- in: the other save is refused as "exists already" and changes nothing. goals.scope_id is null
-- for the company, and null never equals null in a key, so the key uses scope_key instead.
-- Goals are never deleted, so a key is never released.

-- One row per (scope, period, metric) that has a goal: the goal holding the key.
create table goal_keys (
    scope_kind varchar not null,         -- as goals.scope_kind
    scope_key integer not null,          -- goals.scope_id, 0 for the company (no id)
    period_start date not null,
    period_end date not null,            -- exclusive
    metric varchar not null,
    goal_id integer not null,            -- the goal holding the key
    primary key (scope_kind, scope_key, period_start, period_end, metric)
);

-- Goals created before this migration: one key each; where a workspace already has several
-- goals for one key, the lowest goal_id holds it (the others stay as they are).
insert into goal_keys (scope_kind, scope_key, period_start, period_end, metric, goal_id)
select
    scope_kind,
    coalesce(scope_id, 0) as scope_key,
    period_start,
    period_end,
    metric,
    min(goal_id) as goal_id
from goals
group by scope_kind, coalesce(scope_id, 0), period_start, period_end, metric;
