-- Open pipeline as it stood just before $before (rebuilt from opportunity_events: each deal's last
-- state before $before), one row per group_key. Same scope, filter and $group_by
-- parameters as summarise_closed_deals; grouping by stage uses the stage then.
with deals as (
    select opportunity_id, group_key
    from scoped_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id, $group_by
    )
    where created_at < $before
),

states as (
    select
        opportunity_id,
        arg_max(stage_id, (occurred_at, event_id)) as stage_id,
        arg_max(amount_rc, (occurred_at, event_id)) as amount_rc,
        arg_max(probability, (occurred_at, event_id)) as probability
    from opportunity_events
    where occurred_at < $before
    group by opportunity_id
),

open_deals as (
    select
        case when $group_by = 'stage' then stages.stage_name else deals.group_key end as group_key,
        states.amount_rc,
        states.probability
    from deals
    inner join states on states.opportunity_id = deals.opportunity_id
    inner join stages on stages.stage_id = states.stage_id
    where not stages.is_won and not stages.is_lost
),

final as (
    select
        group_key,
        count(*) as open,
        coalesce(sum(amount_rc), 0) as open_pipeline,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_pipeline
    from open_deals
    group by group_key
)

select * from final
order by group_key
