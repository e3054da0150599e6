-- The deals behind a figure: one row per deal in scope and filters, for $kind 'won' or
-- 'lost' (closed in [$start, $end)), 'open' (open now) or 'created' (created in
-- [$start, $end)); largest first, at most $limit rows.
select
    opportunity_id,
    opportunity_name,
    owner_name,
    team_name,
    territory_name,
    product_name,
    stage_name,
    lead_rating,
    lead_source,
    amount_rc as amount,
    probability,
    forecast_category,
    expected_close_date,
    created_at,
    closed_at,
    loss_reason
from scoped_deals(
    $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id, null
)
where case $kind
    when 'won' then is_won and closed_at >= $start and closed_at < $end
    when 'lost' then is_lost and closed_at >= $start and closed_at < $end
    when 'open' then not is_won and not is_lost
    when 'created' then created_at >= $start and created_at < $end
    else false
end
order by amount_rc desc, opportunity_id
limit $limit
