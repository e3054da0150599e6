-- The lead sources used on deals in the viewer's scope ($scope_kind, $scope_rep_id,
-- $scope_team_id), one row each, by name.
select distinct lead_source
from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
where lead_source is not null
order by lead_source
