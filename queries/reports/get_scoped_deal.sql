-- One deal (or none) by $opportunity_id if the scope ($scope_kind, $scope_rep_id,
-- $scope_team_id) sees it: id, name, owner, lead source, stage.
select opportunity_id, opportunity_name, owner_name, lead_source, stage_name
from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
where opportunity_id = $opportunity_id
