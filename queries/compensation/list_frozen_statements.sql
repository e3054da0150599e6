-- Frozen statements of closed quarters starting in [$range_start, $range_end) for the reps
-- the viewer may see ($scope_kind, $scope_rep_id, $scope_team_id), optionally only rep
-- $only_rep_id: one row per statement with the rep's name and team, the plan name, the terms
-- it was computed with, its totals by kind, its content hash and when it was closed.
select
    statements.*,
    reps.full_name as rep_name,
    teams.team_name,
    comp_plans.plan_name,
    users.display_name as closed_by_name
from comp_statements as statements
inner join reps on reps.rep_id = statements.rep_id
inner join teams on teams.team_id = reps.team_id
left join comp_plans on comp_plans.plan_id = statements.plan_id
left join users on users.user_id = statements.closed_by
where statements.period_start >= $range_start
    and statements.period_start < $range_end
    and statements.rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
    and ($only_rep_id is null or statements.rep_id = $only_rep_id)
order by statements.period_start, reps.full_name, statements.rep_id
