-- The active manager accounts whose team subtree holds rep $rep_id: one row per manager
-- (user_id, email, display_name, team_id), the closest team first.
with recursive ancestors(team_id, parent_team_id, depth) as (
    select teams.team_id, teams.parent_team_id, 0
    from reps
    inner join teams on teams.team_id = reps.team_id
    where reps.rep_id = $rep_id
    union all
    select teams.team_id, teams.parent_team_id, ancestors.depth + 1
    from teams
    inner join ancestors on teams.team_id = ancestors.parent_team_id
)

select users.user_id, users.email, users.display_name, users.team_id
from users
inner join ancestors on ancestors.team_id = users.team_id
where users.role = 'manager' and users.is_active
order by ancestors.depth, users.user_id
