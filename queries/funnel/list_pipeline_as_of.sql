-- The deals open just before $at, as they stood then (optionally only stage $stage_id):
-- stage, amount, probability and expected close date then, largest first, at most $limit.
-- Scope and filters as analytics_deals.
with open_then as (
    select spans.opportunity_id, spans.stage_id, spans.amount_rc, spans.probability,
        spans.expected_close_date, spans.forecast_category, spans.stage_entered_at
    from analytics_spans(
        $rep_ids, $territory_id, $product_id
    ) as spans
    inner join stages on stages.stage_id = spans.stage_id
    where spans.valid_from < $at and spans.valid_to >= $at
        and not stages.is_won and not stages.is_lost
        and ($stage_id is null or spans.stage_id = $stage_id)
    order by spans.amount_rc desc, spans.opportunity_id
    limit $limit
)

select
    open_then.opportunity_id,
    opportunities.opportunity_name,
    reps.full_name as owner_name,
    territories.territory_name,
    products.product_name,
    stages.stage_name,
    open_then.amount_rc as amount,
    open_then.probability,
    open_then.forecast_category,
    open_then.expected_close_date,
    open_then.stage_entered_at,
    opportunities.created_at
from open_then
inner join opportunities on opportunities.opportunity_id = open_then.opportunity_id
inner join stages on stages.stage_id = open_then.stage_id
inner join reps on reps.rep_id = opportunities.owner_rep_id
left join territories on territories.territory_id = opportunities.territory_id
left join products on products.product_id = opportunities.product_id
order by open_then.amount_rc desc, open_then.opportunity_id
