-- Every team, one row per team: id, name, parent and level (for placing imported reps).
select team_id, team_name, parent_team_id, team_level
from teams
order by team_id
