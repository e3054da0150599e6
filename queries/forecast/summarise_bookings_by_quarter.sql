-- Bookings and won deals per calendar quarter (quarter_start) for deals closed in
-- [$start, $end). Scope and filters as analytics_deals.
select
    date_trunc('quarter', deals.closed_at)::date as quarter_start,
    count(*) as won,
    sum(deals.amount_rc) as bookings
from analytics_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
) as deals
inner join stages on stages.stage_id = deals.stage_id
where stages.is_won and deals.closed_at >= $start and deals.closed_at < $end
group by all
order by quarter_start
