-- Plan $plan_id's initiatives: one row each, in their order (title, owner, due date, status,
-- expected impact, notes).
select position, title, owner, due_date, status, expected_impact, notes
from plan_items
where plan_id = $plan_id
order by position
