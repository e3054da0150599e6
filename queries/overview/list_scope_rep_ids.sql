-- The reps whose deals a viewer may see ($scope_kind, $scope_rep_id, $scope_team_id) under the
-- team filter $team_id (null = no filter): the $rep_ids list the analytics macros take
-- (dashboard.metrics.analytics_params).
select rep_id
from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
where $team_id is null
    or rep_id in (select rep_id from visible_reps('team', null, $team_id))
order by rep_id
