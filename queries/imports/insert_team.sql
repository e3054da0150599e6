-- Creates one team $team_name at $team_level under $parent_team_id; returns its team_id.
insert into teams (team_name, parent_team_id, team_level)
values ($team_name, $parent_team_id, $team_level)
returning team_id
