-- Records one sign-in attempt for $email at $attempted_at ($is_success).
insert into signin_attempts (email, attempted_at, is_success) values ($email, $attempted_at, $is_success)
