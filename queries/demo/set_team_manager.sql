-- Makes the user with $email the manager of team $team_id.
update teams
set manager_user_id = (select user_id from users where email = $email)
where team_id = $team_id
