-- One page of the Pipeline table: one row per deal in the viewer's scope ($scope_kind,
-- $scope_rep_id, $scope_team_id) matching the filters ($team_id, $territory_id, $product_id,
-- $owner_rep_id, $lead_ratings, $lead_sources, $close_from, $close_to, $search_text,
-- $deal_status: open, won, lost, closed or all), sorted by $deal_sort ('amount' largest
-- first, 'close_date' soonest first, 'updated' latest first, 'name'), then by id; $limit
-- rows from row $row_offset on. Carries row_version for edits.
select
    opportunity_id,
    opportunity_name,
    account_name,
    owner_name,
    team_name,
    territory_name,
    product_name,
    stage_id,
    stage_name,
    deal_status,
    lead_rating,
    lead_source,
    amount,
    currency_code,
    amount_rc,
    probability,
    forecast_category,
    expected_close_date,
    close_date,
    next_step,
    loss_reason,
    updated_at,
    row_version
from pipeline_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id,
    $owner_rep_id, $lead_ratings, $lead_sources, $close_from, $close_to, $search_text,
    $deal_status
)
order by
    case when $deal_sort = 'amount' then amount_rc end desc nulls last,
    case when $deal_sort = 'close_date' then close_date end asc nulls last,
    case when $deal_sort = 'updated' then updated_at end desc nulls last,
    case when $deal_sort = 'name' then lower(opportunity_name) end asc nulls last,
    opportunity_id
limit $limit
offset $row_offset
