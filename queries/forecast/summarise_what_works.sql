-- What converts best among deals closed in [$start, $end), one row per dimension ('product',
-- 'source') and key: closed deals, won, win rate by count and by value, average won amount
-- and median days from created to won. Scope and filters as analytics_deals, over deal_facts.
with closed as (
    select
        deals.product_id,
        deals.lead_source,
        deals.amount_rc,
        stages.is_won,
        date_diff('day', deals.created_at::date, deals.closed_at::date) as cycle_days
    from analytics_facts(
        $rep_ids, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where (stages.is_won or stages.is_lost)
        and deals.closed_at >= $start and deals.closed_at < $end
),

grouped as (
    select
        case when grouping(product_id) = 0 then 'product' else 'source' end as dimension,
        product_id,
        lead_source,
        count(*) as closed,
        count(*) filter (where is_won) as won,
        sum(amount_rc) filter (where is_won) as won_amount,
        sum(amount_rc) as closed_amount,
        median(cycle_days) filter (where is_won) as cycle_days_median
    from closed
    group by grouping sets ((product_id), (lead_source))
)

select
    grouped.dimension,
    coalesce(
        case grouped.dimension when 'product' then products.product_name else grouped.lead_source end,
        '(none)'
    ) as key,
    grouped.closed::bigint as closed,
    grouped.won::bigint as won,
    grouped.won / nullif(grouped.closed, 0) as win_rate,
    grouped.won_amount / nullif(grouped.closed_amount, 0) as win_rate_value,
    (grouped.won_amount / nullif(grouped.won, 0))::decimal(18, 2) as avg_won_amount,
    grouped.cycle_days_median
from grouped
left join products on grouped.dimension = 'product' and products.product_id = grouped.product_id
order by grouped.dimension, win_rate desc nulls last, key
