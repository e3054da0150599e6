-- Every account: one row per user with the linked rep's and team's names.
select
    users.user_id,
    users.email,
    users.display_name,
    users.role,
    reps.full_name as rep_name,
    teams.team_name,
    users.is_active,
    users.created_at
from users
left join reps on reps.rep_id = users.rep_id
left join teams on teams.team_id = users.team_id
order by users.role, users.email
