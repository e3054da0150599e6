-- Removes plan $plan_id's current initiatives before the saved ones are written again (every
-- earlier state stays in plan_versions).
delete from plan_items where plan_id = $plan_id
