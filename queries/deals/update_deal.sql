-- Writes the new state of deal $opportunity_id if it is still at $expected_version; returns
-- the new row_version (no row when someone else changed the deal meanwhile).
update opportunities
set
    opportunity_name = $opportunity_name,
    account_id = $account_id,
    owner_rep_id = $owner_rep_id,
    product_id = $product_id,
    territory_id = $territory_id,
    stage_id = $stage_id,
    lead_rating = $lead_rating,
    lead_source = $lead_source,
    amount = $amount,
    currency_code = $currency_code,
    amount_rc = $amount_rc,
    probability = $probability,
    forecast_category = $forecast_category,
    expected_close_date = $expected_close_date,
    closed_at = $closed_at,
    loss_reason = $loss_reason,
    discount_pct = $discount_pct,
    next_step = $next_step,
    is_recurring = $is_recurring,
    row_version = row_version + 1,
    updated_at = $updated_at,
    updated_by = $updated_by,
    furthest_stage_order = $furthest_stage_order
where opportunity_id = $opportunity_id and row_version = $expected_version
returning row_version
