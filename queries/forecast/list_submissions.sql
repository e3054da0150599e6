-- Forecast submissions for scope ($scope_kind, $scope_id; null id = the company) whose period
-- starts in [$start, $end), newest first: the call, the system's figures then, who and when,
-- and the bookings of the period for comparison are added by the caller.
select
    submissions.submission_id,
    submissions.period_start,
    submissions.period_end,
    submissions.scope_kind,
    submissions.scope_id,
    submissions.forecast_amount,
    submissions.best_case_amount,
    submissions.note,
    submissions.closed_amount,
    submissions.commit_amount,
    submissions.best_case_open_amount,
    submissions.pipeline_amount,
    submissions.weighted_amount,
    submissions.goal_amount,
    users.display_name as submitted_by,
    submissions.submitted_at
from forecast_submissions as submissions
left join users on users.user_id = submissions.submitted_by
where submissions.scope_kind = $scope_kind
    and submissions.scope_id is not distinct from $scope_id
    and submissions.period_start >= $start and submissions.period_start < $end
order by submissions.submitted_at desc, submissions.submission_id desc
