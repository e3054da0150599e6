-- The reps of the scope ($scope_kind, $scope_rep_id, $scope_team_id), one row each: rep id,
-- name, team, hire date, whether active, and whether counted in headcount at the end of the
-- period (active and hired before $end, or no hire date recorded).
select
    reps.rep_id,
    reps.full_name,
    teams.team_name,
    reps.hire_date,
    reps.is_active,
    reps.is_active and (reps.hire_date is null or reps.hire_date < cast($end as date))
        as is_counted
from reps
inner join teams on teams.team_id = reps.team_id
where reps.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
order by teams.team_name, reps.full_name
