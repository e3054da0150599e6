-- One deal (or none) by $opportunity_id, within the viewer's scope ($scope_kind,
-- $scope_rep_id, $scope_team_id), with the names of its stage, owner, account and product.
select
    deals.*,
    accounts.account_name
from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as deals
left join accounts on accounts.account_id = deals.account_id
where deals.opportunity_id = $opportunity_id
