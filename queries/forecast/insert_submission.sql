-- Appends a forecast submission for [$period_start, $period_end) and scope ($scope_kind
-- 'company' | 'team' | 'rep', $scope_id): the call ($forecast_amount, $best_case_amount,
-- $note) with the system's figures at that moment ($closed_amount, $commit_amount,
-- $best_case_open_amount, $pipeline_amount, $weighted_amount, $goal_amount), by
-- $submitted_by at $submitted_at; returns its submission_id.
insert into forecast_submissions (
    period_start, period_end, scope_kind, scope_id, forecast_amount, best_case_amount, note,
    closed_amount, commit_amount, best_case_open_amount, pipeline_amount, weighted_amount,
    goal_amount, submitted_by, submitted_at
)
values (
    $period_start, $period_end, $scope_kind, $scope_id, $forecast_amount, $best_case_amount,
    $note, $closed_amount, $commit_amount, $best_case_open_amount, $pipeline_amount,
    $weighted_amount, $goal_amount, $submitted_by, $submitted_at
)
returning submission_id
