-- One row: amount of open deals (now) whose expected close date falls in [$start, $end).
-- Scope and filters as elsewhere.
select coalesce(sum(amount_rc), 0) as amount, count(*) as deals
from overview_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
)
where not is_won and not is_lost
    and expected_close_date >= cast($start as date)
    and expected_close_date < cast($end as date)
