-- Links each demo goal to the goal one level up (rep -> team -> region -> company) for the
-- same period and metric.
update goals
set parent_goal_id = links.parent_goal_id
from (
    select child.goal_id, parent.goal_id as parent_goal_id
    from goals as child
    left join reps on child.scope_kind = 'rep' and reps.rep_id = child.scope_id
    left join teams on child.scope_kind = 'team' and teams.team_id = child.scope_id
    inner join goals as parent
        on parent.period_kind = child.period_kind
        and parent.period_start = child.period_start
        and parent.metric = child.metric
        and (
            (child.scope_kind = 'rep' and parent.scope_kind = 'team' and parent.scope_id = reps.team_id)
            or (child.scope_kind = 'team' and teams.team_level = 'team'
                and parent.scope_kind = 'team' and parent.scope_id = teams.parent_team_id)
            or (child.scope_kind = 'team' and teams.team_level = 'region' and parent.scope_kind = 'company')
        )
) as links
where goals.goal_id = links.goal_id
