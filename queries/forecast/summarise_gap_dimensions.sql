-- Won deals by dimension for the gap explanation, one row per dimension ('product',
-- 'territory', 'source'), key and period_no (1 = closed in [$start, $end), 2 = closed in
-- [$base_start, $base_end)): won deals, bookings, and gross bookings before discounts
-- (amount / (1 - discount)), so the average price splits into list size and discount.
-- Scope and filters as analytics_deals, over won_counts or deal_facts.
with won_facts as (
    -- won in the period, then in the base period: counted per month (won_counts, which keeps
    -- every scope field) when both are whole months; else the deals, each range reading only
    -- its row groups of deal_facts (in closing order)
    select 1 as period_no, product_id, territory_id, lead_source, deals, amount, gross_amount
    from won_counts
    where day($start::date) = 1 and day($end::date) = 1
        and day($base_start::date) = 1 and day($base_end::date) = 1
        and closed_month >= $start::date and closed_month < $end::date
        and analytics_in_scope(
            $rep_ids, $territory_id, $product_id, owner_rep_id, territory_id, product_id
        )
    union all
    select 2, product_id, territory_id, lead_source, deals, amount, gross_amount
    from won_counts
    where day($start::date) = 1 and day($end::date) = 1
        and day($base_start::date) = 1 and day($base_end::date) = 1
        and closed_month >= $base_start::date and closed_month < $base_end::date
        and not (closed_month >= $start::date and closed_month < $end::date)
        and analytics_in_scope(
            $rep_ids, $territory_id, $product_id, owner_rep_id, territory_id, product_id
        )
    union all
    select 1, product_id, territory_id, lead_source, 1, amount_rc, gross_amount
    from won_rows($rep_ids, $territory_id, $product_id, $start, $end)
    where not (
        day($start::date) = 1 and day($end::date) = 1
        and day($base_start::date) = 1 and day($base_end::date) = 1
    )
    union all
    select 2, product_id, territory_id, lead_source, 1, amount_rc, gross_amount
    from won_rows($rep_ids, $territory_id, $product_id, $base_start, $base_end)
    where not (
        day($start::date) = 1 and day($end::date) = 1
        and day($base_start::date) = 1 and day($base_end::date) = 1
    )
        and not (closed_at >= $start and closed_at < $end)
),

combined as (
    -- per period and (product, territory, source) first: a few thousand rows, which the three
    -- dimensions below roll up instead of each grouping every deal
    select
        period_no,
        product_id,
        territory_id,
        lead_source,
        sum(deals) as won,
        sum(amount) as bookings,
        sum(gross_amount) as gross_bookings
    from won_facts
    group by period_no, product_id, territory_id, lead_source
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
        sum(won) as won,
        sum(bookings) as bookings,
        sum(gross_bookings) as gross_bookings
    from combined
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
