-- Teams of the demo: company -> region -> team (from the registered frame demo_teams).
insert into teams by name
select team_id, team_name, parent_team_id, team_level from demo_teams
