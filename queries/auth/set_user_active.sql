-- Activates or deactivates account $user_id ($is_active).
update users set is_active = $is_active where user_id = $user_id
