-- Creates the staged new deals that have ids in the registered relation
-- import_new_deal_ids_stage (seq, opportunity_id, event_id, audit_id), as $source_system,
-- updated by $updated_by: one row per deal.
insert into opportunities (
    opportunity_id, opportunity_name, account_id, owner_rep_id, product_id, territory_id,
    stage_id, lead_rating, lead_source, amount, currency_code, amount_rc, probability,
    forecast_category, expected_close_date, created_at, closed_at, loss_reason, discount_pct,
    next_step, is_recurring, source_system, external_id, row_version, updated_at, updated_by,
    furthest_stage_order
)
select
    ids.opportunity_id, deals.opportunity_name, deals.account_id, deals.owner_rep_id,
    deals.product_id, deals.territory_id, deals.stage_id, deals.lead_rating, deals.lead_source,
    deals.amount, deals.currency_code, deals.amount_rc, deals.probability,
    deals.forecast_category, deals.expected_close_date, deals.created_at, deals.closed_at,
    deals.loss_reason, deals.discount_pct, deals.next_step, deals.is_recurring, $source_system,
    deals.external_id, 1, deals.event_at, $updated_by, deals.furthest_stage_order
from import_new_deals as deals
inner join import_new_deal_ids_stage as ids on ids.seq = deals.seq
order by ids.opportunity_id
