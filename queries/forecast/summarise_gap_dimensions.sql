-- Won deals by dimension for the gap explanation, one row per dimension ('product',
-- 'territory', 'source'), key and period_no (1 = closed in [$start, $end), 2 = closed in
-- [$base_start, $base_end)): won deals, bookings, and gross bookings before discounts
-- (amount / (1 - discount)), so the average price splits into list size and discount.
-- Scope and filters as analytics_deals.
with won as (
    select
        case when deals.closed_at >= $start and deals.closed_at < $end then 1 else 2 end
            as period_no,
        deals.product_id,
        deals.territory_id,
        deals.lead_source,
        deals.amount_rc,
        deals.amount_rc / nullif(1 - deals.discount_pct / 100, 0) as gross_amount
    from analytics_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where stages.is_won
        and ((deals.closed_at >= $start and deals.closed_at < $end)
            or (deals.closed_at >= $base_start and deals.closed_at < $base_end))
),

grouped as (
    select
        case
            when grouping(product_id) = 0 then 'product'
            when grouping(territory_id) = 0 then 'territory'
            else 'source'
        end as dimension,
        product_id,
        territory_id,
        lead_source,
        period_no,
        count(*) as won,
        sum(amount_rc) as bookings,
        sum(gross_amount) as gross_bookings
    from won
    group by grouping sets ((period_no, product_id), (period_no, territory_id), (period_no, lead_source))
)

select
    grouped.dimension,
    coalesce(
        case grouped.dimension
            when 'product' then products.product_name
            when 'territory' then territories.territory_name
            else grouped.lead_source
        end,
        '(none)'
    ) as key,
    grouped.period_no,
    grouped.won::bigint as won,
    grouped.bookings,
    grouped.gross_bookings::decimal(18, 2) as gross_bookings
from grouped
left join products on grouped.dimension = 'product' and products.product_id = grouped.product_id
left join territories
    on grouped.dimension = 'territory' and territories.territory_id = grouped.territory_id
order by grouped.dimension, key, grouped.period_no
