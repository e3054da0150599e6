-- Demo opportunities: the current state of every generated deal (from demo_deals).
insert into opportunities by name
select
    deals.opportunity_id,
    deals.opportunity_name,
    deals.account_id,
    deals.owner_rep_id,
    deals.product_id,
    deals.territory_id,
    deals.stage_id,
    deals.lead_rating,
    deals.lead_source,
    deals.amount_current as amount,
    'USD' as currency_code,
    deals.amount_current as amount_rc,
    stages.default_probability as probability,
    stages.forecast_category,
    deals.expected_close_date,
    deals.created_at,
    deals.closed_at,
    deals.loss_reason,
    deals.discount_pct,
    case when not deals.is_closed then 'Follow up with ' || deals.opportunity_name end as next_step,
    deals.is_recurring,
    'demo' as source_system,
    'DEMO-' || deals.opportunity_id as external_id,
    1 + length(deals.stage_entered_at) as row_version,
    case when deals.is_closed and deals.is_won then 7 else length(deals.stage_entered_at) end
        as furthest_stage_order,
    coalesce(deals.closed_at, deals.stage_entered_at[-1]) as updated_at
from demo_deals as deals
inner join stages on stages.stage_id = deals.stage_id
