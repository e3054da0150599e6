-- Reps of the demo (from the registered frame demo_reps).
insert into reps by name
select rep_id, full_name, email, team_id, territory_id, hire_date, base_salary, is_active
from demo_reps
