-- Bookings per calendar month: one row per month in [$start, $end) that has a won deal,
-- with won deals and bookings. Scope and filters as in kpis/summarise_deals.
select
    date_trunc('month', closed_at)::date as month_start,
    count(*) as won,
    sum(amount_rc) as bookings
from overview_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
)
where is_won and closed_at >= $start and closed_at < $end
group by month_start
order by month_start
