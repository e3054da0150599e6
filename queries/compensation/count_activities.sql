-- Activities done in [$range_start, $range_end) per rep and activity type, for the reps in
-- scope ($scope_kind, $scope_rep_id, $scope_team_id), optionally only rep $only_rep_id: one
-- row per rep and type with the count (types without activities are absent).
select
    activities.rep_id,
    reps.full_name as rep_name,
    teams.team_name,
    activities.activity_type,
    count(*) as activities
from activities
inner join reps on reps.rep_id = activities.rep_id
inner join teams on teams.team_id = reps.team_id
where activities.is_done
    and activities.occurred_at >= $range_start
    and activities.occurred_at < $range_end
    and activities.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
    and ($only_rep_id is null or activities.rep_id = $only_rep_id)
group by all
order by rep_name, activities.rep_id, activities.activity_type
