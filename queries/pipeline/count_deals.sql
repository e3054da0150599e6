-- One row: how many deals match the Pipeline table's filters, and their amount (reporting
-- currency). Scope and filters as in list_deals ($scope_kind, $scope_rep_id, $scope_team_id,
-- $team_id, $territory_id, $product_id, $owner_rep_id, $lead_ratings, $lead_sources,
-- $close_from, $close_to, $search_text, $deal_status).
select
    count(*) as deals,
    coalesce(sum(amount_rc), 0) as amount
from pipeline_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id,
    $owner_rep_id, $lead_ratings, $lead_sources, $close_from, $close_to, $search_text,
    $deal_status
)
