-- Saves plan $plan_id's fields ($title, $objectives, $strategy, $headcount, $budget) as the
-- next version, only when it is still at $expected_version; returns the new version (no row
-- when someone saved meanwhile). $user_id and $changed_at record who and when.
update plans
set title = $title,
    objectives = $objectives,
    strategy = $strategy,
    headcount = $headcount,
    budget = $budget,
    version = version + 1,
    updated_by = $user_id,
    updated_at = $changed_at
where plan_id = $plan_id and version = $expected_version
returning version
