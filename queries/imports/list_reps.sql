-- Every rep, one row per rep: id, name, email and team (for matching owners).
select
    reps.rep_id,
    reps.full_name,
    reps.email,
    reps.team_id,
    teams.team_name
from reps
left join teams on teams.team_id = reps.team_id
order by reps.rep_id
