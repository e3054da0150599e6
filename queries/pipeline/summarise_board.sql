-- The Pipeline board's columns: one row per active open stage (stages without deals
-- included), in stage order, with its open deals, their amount and weighted amount (reporting
-- currency). Deals in the viewer's scope ($scope_kind, $scope_rep_id, $scope_team_id),
-- narrowed by the page filters ($team_id, $territory_id, $product_id, $owner_rep_id,
-- $lead_ratings, $lead_sources, $close_from, $close_to, $search_text; null = no filter,
-- see the pipeline_deals macro).
with open_deals as (
    select stage_id, amount_rc, probability
    from pipeline_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id,
        $owner_rep_id, $lead_ratings, $lead_sources, $close_from, $close_to, $search_text,
        'open'
    )
),

final as (
    select
        stages.stage_id,
        stages.stage_name,
        stages.sort_order,
        count(open_deals.stage_id) as deals,
        coalesce(sum(open_deals.amount_rc), 0) as amount,
        coalesce(sum(open_deals.amount_rc * open_deals.probability / 100), 0)::decimal(18, 2)
            as weighted_amount
    from stages
    left join open_deals on open_deals.stage_id = stages.stage_id
    where stages.is_active and not stages.is_won and not stages.is_lost
    group by all
)

select * from final
order by sort_order
