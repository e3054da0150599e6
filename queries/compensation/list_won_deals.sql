-- Deals won in [$range_start, $range_end) by the reps the viewer may see ($scope_kind,
-- $scope_rep_id, $scope_team_id), optionally only rep $only_rep_id: one row per deal with its
-- owner, win date, amount in the reporting currency, product and account. The credit items of
-- bookings plans and the deals SPIFFs are paid on.
select
    deals.opportunity_id,
    deals.owner_rep_id as rep_id,
    deals.closed_at::date as won_on,
    deals.amount_rc as amount,
    deals.product_id,
    deals.product_name,
    deals.opportunity_name,
    accounts.account_name
from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as deals
left join accounts on accounts.account_id = deals.account_id
where deals.is_won
    and deals.closed_at >= $range_start
    and deals.closed_at < $range_end
    and ($only_rep_id is null or deals.owner_rep_id = $only_rep_id)
order by won_on, deals.opportunity_id
