-- Keeps the deals listed in the registered relation import_deal_ids_stage as they stand now,
-- before batch $batch_id changes them. One row per deal.
insert into import_deal_snapshots (
    batch_id, opportunity_id, opportunity_name, account_id, owner_rep_id, product_id,
    territory_id, stage_id, lead_rating, lead_source, amount, currency_code, amount_rc,
    probability, forecast_category, expected_close_date, created_at, closed_at, loss_reason,
    discount_pct, next_step, is_recurring, source_system, external_id, row_version, updated_at,
    updated_by, furthest_stage_order
)
select
    $batch_id, opportunity_id, opportunity_name, account_id, owner_rep_id, product_id,
    territory_id, stage_id, lead_rating, lead_source, amount, currency_code, amount_rc,
    probability, forecast_category, expected_close_date, created_at, closed_at, loss_reason,
    discount_pct, next_step, is_recurring, source_system, external_id, row_version, updated_at,
    updated_by, furthest_stage_order
from opportunities
where opportunity_id in (select opportunity_id from import_deal_ids_stage)
