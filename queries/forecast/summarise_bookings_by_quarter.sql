-- Bookings and won deals per calendar quarter (quarter_start) for deals closed in
-- [$start, $end). Scope and filters as analytics_deals, over closed_deal_counts (whole months
-- from closing_days).
with won_months as (
    select
        counts.closed_month,
        sum(counts.deals) as won,
        sum(counts.amount) as bookings
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id, $start, $end, true
    ) as counts
    inner join stages on stages.stage_id = counts.stage_id
    where stages.is_won
    group by counts.closed_month
)

select
    date_trunc('quarter', closed_month)::date as quarter_start,
    sum(won)::bigint as won,
    sum(bookings) as bookings
from won_months
group by all
order by quarter_start
