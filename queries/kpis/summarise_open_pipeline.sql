-- Open pipeline now, one row per group_key: open deals, their amount, and amount weighted
-- by probability. Same scope, filter and $group_by parameters as summarise_closed_deals.
with deals as (
    select *
    from scoped_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id, $group_by
    )
    where not is_won and not is_lost
),

final as (
    select
        group_key,
        count(*) as open,
        coalesce(sum(amount_rc), 0) as open_pipeline,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_pipeline
    from deals
    group by group_key
)

select * from final
order by group_key
