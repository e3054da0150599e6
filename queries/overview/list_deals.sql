-- The deals behind a figure: one row per deal in scope and filters, for $kind 'won' or
-- 'lost' (closed in [$start, $end)), 'open' (open now) or 'created' (created in
-- [$start, $end)); largest first, at most $limit rows. The rows are chosen first, their
-- territory, product and stage names looked up afterwards.
with chosen as (
    select
        opportunity_id,
        opportunity_name,
        owner_name,
        team_name,
        territory_id,
        product_id,
        stage_id,
        lead_rating,
        lead_source,
        amount_rc,
        probability,
        forecast_category,
        expected_close_date,
        created_at,
        closed_at,
        loss_reason
    from overview_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
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
),

final as (
    select
        chosen.opportunity_id,
        chosen.opportunity_name,
        chosen.owner_name,
        chosen.team_name,
        territories.territory_name,
        products.product_name,
        stages.stage_name,
        chosen.lead_rating,
        chosen.lead_source,
        chosen.amount_rc as amount,
        chosen.probability,
        chosen.forecast_category,
        chosen.expected_close_date,
        chosen.created_at,
        chosen.closed_at,
        chosen.loss_reason
    from chosen
    left join territories on territories.territory_id = chosen.territory_id
    left join products on products.product_id = chosen.product_id
    left join stages on stages.stage_id = chosen.stage_id
)

select * from final
order by amount desc, opportunity_id
