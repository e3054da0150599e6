-- Demo goals one level up: $level 'team' sums rep goals per team, 'region' sums team goals
-- per region, 'company' sums region goals; per quarter and metric.
insert into goals by name
with children as (
    select
        goals.period_kind,
        goals.period_start,
        goals.period_end,
        goals.metric,
        goals.target,
        case $level when 'team' then reps.team_id else teams.parent_team_id end as parent_team_id
    from goals
    left join reps on goals.scope_kind = 'rep' and reps.rep_id = goals.scope_id
    left join teams on goals.scope_kind = 'team' and teams.team_id = goals.scope_id
    where ($level = 'team' and goals.scope_kind = 'rep')
        or ($level = 'region' and goals.scope_kind = 'team' and teams.team_level = 'team')
        or ($level = 'company' and goals.scope_kind = 'team' and teams.team_level = 'region')
)

select
    period_kind,
    period_start,
    period_end,
    case $level when 'company' then 'company' else 'team' end as scope_kind,
    case $level when 'company' then null else parent_team_id end as scope_id,
    metric,
    sum(target) as target
from children
group by all
