-- Creates a plan at version 1; returns its plan_id. Params: $period_kind, $period_start,
-- $period_end (exclusive), $subject_kind, $subject_id (null = the company), $title,
-- $objectives, $strategy, $headcount, $budget, $user_id (creator) and $changed_at.
insert into plans (
    period_kind, period_start, period_end, scope_kind, scope_id, title, objectives, strategy,
    headcount, budget, version, created_by, created_at, updated_by, updated_at
)
values (
    $period_kind, $period_start, $period_end, $subject_kind, $subject_id, $title, $objectives,
    $strategy, $headcount, $budget, 1, $user_id, $changed_at, $user_id, $changed_at
)
returning plan_id
