-- Creates an account; returns its user_id. Params: $email, $display_name, $role,
-- $password_hash, $rep_id, $team_id.
insert into users (email, display_name, role, password_hash, rep_id, team_id)
values ($email, $display_name, $role, $password_hash, $rep_id, $team_id)
returning user_id
