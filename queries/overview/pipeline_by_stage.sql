-- Open pipeline now per stage: one row per open stage of the default pipeline (zero rows
-- included), with deals, amount and weighted amount. Scope and filters as elsewhere.
with open_deals as (
    select stage_id, amount_rc, probability
    from overview_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    )
    where not is_won and not is_lost
),

final as (
    select
        stages.stage_id,
        stages.stage_name,
        stages.sort_order,
        count(open_deals.stage_id) as deals,
        coalesce(sum(open_deals.amount_rc), 0) as amount,
        coalesce(sum(open_deals.amount_rc * open_deals.probability / 100), 0)::decimal(18, 2) as weighted_amount
    from stages
    left join open_deals on open_deals.stage_id = stages.stage_id
    where not stages.is_won and not stages.is_lost and stages.is_active
    group by all
)

select * from final
order by sort_order
