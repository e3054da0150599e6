-- The loss reasons given on lost deals in the viewer's scope ($scope_kind, $scope_rep_id,
-- $scope_team_id), one row each with how often, most used first.
select loss_reason, count(*) as deals
from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
where is_lost and loss_reason is not null
group by loss_reason
order by deals desc, loss_reason
