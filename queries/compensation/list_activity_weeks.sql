-- Activities done per week (weeks start on Monday) and activity type in [$range_start,
-- $range_end), for the reps in scope ($scope_kind, $scope_rep_id, $scope_team_id), optionally
-- only rep $only_rep_id: one row per week and type with the count and the number of reps
-- who did at least one.
select
    date_trunc('week', activities.occurred_at)::date as week_start,
    activities.activity_type,
    count(*) as activities,
    count(distinct activities.rep_id) as reps
from activities
where activities.is_done
    and activities.occurred_at >= $range_start
    and activities.occurred_at < $range_end
    and activities.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
    and ($only_rep_id is null or activities.rep_id = $only_rep_id)
group by all
order by week_start, activities.activity_type
