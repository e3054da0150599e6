-- Creates a goal at version 1; returns its goal_id. Params: $parent_goal_id, $period_kind,
-- $period_start, $period_end (exclusive), $subject_kind, $subject_id (null = the company),
-- $metric, $target, $split_warning, $user_id (creator), $changed_at.
insert into goals (
    parent_goal_id, period_kind, period_start, period_end, scope_kind, scope_id, metric,
    target, version, split_warning, created_by, created_at, updated_by, updated_at
)
values (
    $parent_goal_id, $period_kind, $period_start, $period_end, $subject_kind, $subject_id,
    $metric, $target, 1, $split_warning, $user_id, $changed_at, $user_id, $changed_at
)
returning goal_id
