-- One account (or none) by normalised $email, with its password hash.
select user_id, email, display_name, role, password_hash, rep_id, team_id, is_active
from users
where email = $email
