-- One team (or none) by $team_id.
select team_id, team_name, team_level from teams where team_id = $team_id
