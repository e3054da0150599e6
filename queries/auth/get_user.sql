-- One account (or none) by $user_id.
select user_id, email, display_name, role, rep_id, team_id, is_active
from users
where user_id = $user_id
