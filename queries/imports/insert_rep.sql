-- Creates one rep $full_name ($email) in team $team_id, hired $hire_date on $base_salary;
-- returns its rep_id.
insert into reps (full_name, email, team_id, hire_date, base_salary)
values ($full_name, $email, $team_id, $hire_date, $base_salary)
returning rep_id
