-- Open pipeline as it stood just before $at (the end of the day before), one row per open
-- stage: deals, amount, weighted amount (amount x probability then), rebuilt from
-- deal_spans. Scope and filters as analytics_deals.
with open_then as (
    select stage_id, amount_rc, probability
    from analytics_spans(
        $rep_ids, $territory_id, $product_id
    )
    where valid_from < $at and valid_to >= $at
),

final as (
    select
        stages.stage_id,
        stages.stage_name,
        stages.sort_order,
        stages.forecast_category,
        count(open_then.stage_id) as deals,
        coalesce(sum(open_then.amount_rc), 0) as amount,
        coalesce(sum(open_then.amount_rc * open_then.probability / 100), 0)::decimal(18, 2)
            as weighted_amount
    from stages
    left join open_then on open_then.stage_id = stages.stage_id
    where not stages.is_won and not stages.is_lost
    group by all
)

select * from final
order by sort_order
