-- Adds one initiative to plan $plan_id at $position: $title, $owner, $due_date, $status,
-- $expected_impact (USD, may be null) and $notes.
insert into plan_items (plan_id, position, title, owner, due_date, status, expected_impact, notes)
values ($plan_id, $position, $title, $owner, $due_date, $status, $expected_impact, $notes)
