-- The Pipeline board's cards: one row per deal, the $per_stage largest open deals (by amount
-- in the reporting currency, then id) of each open stage, in stage order. Scope and filters
-- as in summarise_board ($scope_kind, $scope_rep_id, $scope_team_id, $team_id,
-- $territory_id, $product_id, $owner_rep_id, $lead_ratings, $lead_sources, $close_from,
-- $close_to, $search_text).
select
    opportunity_id,
    opportunity_name,
    account_name,
    owner_name,
    stage_id,
    stage_name,
    stage_order,
    amount,
    currency_code,
    amount_rc,
    probability,
    expected_close_date,
    lead_rating,
    next_step,
    row_version
from pipeline_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id,
    $owner_rep_id, $lead_ratings, $lead_sources, $close_from, $close_to, $search_text, 'open'
)
qualify row_number() over (partition by stage_id order by amount_rc desc, opportunity_id)
    <= $per_stage
order by stage_order, amount_rc desc, opportunity_id
