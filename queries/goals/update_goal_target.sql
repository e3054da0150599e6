-- Sets goal $goal_id's target to $target and moves it to the next version, only when it is
-- still at $expected_version; returns the new version (no row when someone saved meanwhile).
-- $user_id and $changed_at record who and when.
update goals
set target = $target,
    version = version + 1,
    updated_by = $user_id,
    updated_at = $changed_at
where goal_id = $goal_id and version = $expected_version
returning version
