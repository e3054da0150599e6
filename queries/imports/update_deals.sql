-- Writes the new state of every deal in the registered relation import_deal_updates_stage
-- (one row per deal: every field, the new row_version, updated_at/by, furthest stage).
update opportunities
set
    opportunity_name = updates.opportunity_name,
    account_id = updates.account_id,
    owner_rep_id = updates.owner_rep_id,
    product_id = updates.product_id,
    territory_id = updates.territory_id,
    stage_id = updates.stage_id,
    lead_rating = updates.lead_rating,
    lead_source = updates.lead_source,
    amount = updates.amount,
    currency_code = updates.currency_code,
    amount_rc = updates.amount_rc,
    probability = updates.probability,
    forecast_category = updates.forecast_category,
    expected_close_date = updates.expected_close_date,
    closed_at = updates.closed_at,
    loss_reason = updates.loss_reason,
    discount_pct = updates.discount_pct,
    next_step = updates.next_step,
    is_recurring = updates.is_recurring,
    row_version = updates.row_version,
    updated_at = updates.updated_at,
    updated_by = updates.updated_by,
    furthest_stage_order = updates.furthest_stage_order
from import_deal_updates_stage as updates
where updates.opportunity_id = opportunities.opportunity_id
