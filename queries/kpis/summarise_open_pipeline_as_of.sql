-- Open pipeline as it stood just before $before (rebuilt from opportunity_events: each deal's
-- last state before $before), one row per group_key plus one row of totals (is_total,
-- group_key null): open deals, their amount, and amount weighted by probability. Same scope,
-- filter and $group_by parameters as summarise_groups (null $group_by: the one group 'All');
-- grouping by stage uses the stage then, the other groupings the deal as it is now.
with names as (
    select territory_id as id, territory_name as name
    from territories
    where $group_by = 'territory'
    union all
    select product_id, product_name
    from products
    where $group_by = 'product'
),

deals as (
    select
        scoped.opportunity_id,
        case $group_by
            when 'owner' then scoped.owner_name
            when 'team' then scoped.team_name
            when 'territory' then names.name
            when 'product' then names.name
            when 'source' then scoped.lead_source
            else 'All'
        end as group_key
    from overview_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    ) as scoped
    left join names on names.id = case $group_by
        when 'territory' then scoped.territory_id
        when 'product' then scoped.product_id
    end
    where scoped.created_at < $before
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
        grouping(group_key) = 1 as is_total,
        count(*) as open,
        coalesce(sum(amount_rc), 0) as open_pipeline,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_pipeline
    from open_deals
    group by grouping sets ((group_key), ())
)

select * from final
order by is_total, group_key
