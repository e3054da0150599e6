-- Puts every deal batch $batch_id updated back as it was before (from its snapshot).
update opportunities
set
    opportunity_name = snapshots.opportunity_name,
    account_id = snapshots.account_id,
    owner_rep_id = snapshots.owner_rep_id,
    product_id = snapshots.product_id,
    territory_id = snapshots.territory_id,
    stage_id = snapshots.stage_id,
    lead_rating = snapshots.lead_rating,
    lead_source = snapshots.lead_source,
    amount = snapshots.amount,
    currency_code = snapshots.currency_code,
    amount_rc = snapshots.amount_rc,
    probability = snapshots.probability,
    forecast_category = snapshots.forecast_category,
    expected_close_date = snapshots.expected_close_date,
    created_at = snapshots.created_at,
    closed_at = snapshots.closed_at,
    loss_reason = snapshots.loss_reason,
    discount_pct = snapshots.discount_pct,
    next_step = snapshots.next_step,
    is_recurring = snapshots.is_recurring,
    source_system = snapshots.source_system,
    external_id = snapshots.external_id,
    row_version = snapshots.row_version,
    updated_at = snapshots.updated_at,
    updated_by = snapshots.updated_by,
    furthest_stage_order = snapshots.furthest_stage_order
from import_deal_snapshots as snapshots
where snapshots.batch_id = $batch_id
    and snapshots.opportunity_id = opportunities.opportunity_id
