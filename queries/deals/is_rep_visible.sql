-- One row (or none) when rep $rep_id is inside the viewer's scope ($scope_kind,
-- $scope_rep_id, $scope_team_id).
select rep_id
from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
where rep_id = $rep_id
