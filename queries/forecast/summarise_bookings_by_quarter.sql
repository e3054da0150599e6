-- Bookings and won deals per calendar quarter (quarter_start) for deals closed in
-- [$start, $end). Scope and filters as analytics_deals, over deal_facts.
with won_days as (
    -- per closing day first: the quarter of a few hundred days is cheaper than of every deal
    select
        deals.closed_at::date as closed_day,
        count(*) as won,
        sum(deals.amount_rc) as bookings
    from analytics_facts(
        $rep_ids, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where stages.is_won and deals.closed_at >= $start and deals.closed_at < $end
    group by deals.closed_at::date
)

select
    date_trunc('quarter', closed_day)::date as quarter_start,
    sum(won)::bigint as won,
    sum(bookings) as bookings
from won_days
group by all
order by quarter_start
