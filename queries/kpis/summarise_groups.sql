-- Deal KPIs, one row per group_key ($group_by: owner, team, territory, product, stage or
-- source) plus one row of totals (is_total, group_key null): deals created in
-- [$start, $end); won / lost deals, bookings, lost amount and sales cycle (median, mean) of
-- deals closed in [$start, $end) (null bounds = unbounded); and, when $open_now, the open
-- pipeline now (open deals, their amount, and amount weighted by probability; null when not
-- $open_now). Every group that has a deal in scope gets a row, even with nothing in the
-- period. Scope: $scope_kind, $scope_rep_id, $scope_team_id; filters: $team_id,
-- $territory_id, $product_id. Each part reads only the deals it counts; the deals are those
-- of overview_deals (011_overview_speed), with the visible reps and territories worked out
-- once for all parts. summarise_totals gives the totals alone.
with names as (
    select territory_id as id, territory_name as name
    from territories
    where $group_by = 'territory'
    union all
    select product_id, product_name
    from products
    where $group_by = 'product'
    union all
    select stage_id, stage_name
    from stages
    where $group_by = 'stage'
),

visible as materialized (
    select rep_id, owner_name, team_name
    from overview_reps($scope_kind, $scope_rep_id, $scope_team_id, $team_id)
),

in_territory as materialized (
    select territory_id from territory_subtree($territory_id)
),

deals as not materialized (
    select
        opportunities.*,
        stages.is_won,
        stages.is_lost,
        case $group_by
            when 'owner' then visible.owner_name
            when 'team' then visible.team_name
            when 'territory' then names.name
            when 'product' then names.name
            when 'stage' then names.name
            when 'source' then opportunities.lead_source
            else 'All'
        end as group_key
    from opportunities
    inner join visible on visible.rep_id = opportunities.owner_rep_id
    inner join stages on stages.stage_id = opportunities.stage_id
    left join names on names.id = case $group_by
        when 'territory' then opportunities.territory_id
        when 'product' then opportunities.product_id
        when 'stage' then opportunities.stage_id
    end
    where ($territory_id is null or opportunities.territory_id in (
            select territory_id from in_territory
        ))
        and ($product_id is null or opportunities.product_id = $product_id)
),

-- every group with a deal in scope: the distinct owner, stage and grouped column of the
-- deals first (few; a text column only when grouping by source), their names afterwards
deal_keys as (
    select
        owner_rep_id,
        stage_id,
        case $group_by
            when 'territory' then territory_id
            when 'product' then product_id
            when 'stage' then stage_id
        end as key_id,
        null as lead_source
    from opportunities
    where $group_by is distinct from 'source'
        and ($territory_id is null or territory_id in (select territory_id from in_territory))
        and ($product_id is null or product_id = $product_id)
    group by owner_rep_id, stage_id, key_id
    union all
    select owner_rep_id, stage_id, null, lead_source
    from opportunities
    where $group_by = 'source'
        and ($territory_id is null or territory_id in (select territory_id from in_territory))
        and ($product_id is null or product_id = $product_id)
    group by owner_rep_id, stage_id, lead_source
),

all_groups as (
    select distinct
        case $group_by
            when 'owner' then visible.owner_name
            when 'team' then visible.team_name
            when 'source' then deal_keys.lead_source
            else names.name
        end as group_key
    from deal_keys
    inner join visible on visible.rep_id = deal_keys.owner_rep_id
    inner join stages on stages.stage_id = deal_keys.stage_id
    left join names on names.id = deal_keys.key_id
),

created as (
    select group_key, grouping(group_key) = 1 as is_total, count(*) as deals
    from deals
    where ($start is null or created_at >= $start)
        and ($end is null or created_at < $end)
    group by grouping sets ((group_key), ())
),

closed as (
    select
        group_key,
        grouping(group_key) = 1 as is_total,
        count(*) filter (where is_won) as won,
        count(*) filter (where is_lost) as lost,
        coalesce(sum(amount_rc) filter (where is_won), 0) as bookings,
        coalesce(sum(amount_rc) filter (where is_lost), 0) as lost_amount,
        median(date_diff('day', created_at::date, closed_at::date))
            filter (where is_won) as cycle_days_median,
        avg(date_diff('day', created_at::date, closed_at::date))
            filter (where is_won) as cycle_days_mean
    from deals
    where (is_won or is_lost)
        and ($start is null or closed_at >= $start)
        and ($end is null or closed_at < $end)
    group by grouping sets ((group_key), ())
),

open_now as (
    select
        group_key,
        grouping(group_key) = 1 as is_total,
        count(*) as open,
        coalesce(sum(amount_rc), 0) as open_pipeline,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_pipeline
    from deals
    where $open_now and not is_won and not is_lost
    group by grouping sets ((group_key), ())
),

parts as (
    select group_key, false as is_total from all_groups
    union all by name
    select * from created
    union all by name
    select * from closed
    union all by name
    select * from open_now
),

-- one row per group (a null group_key too) and the totals: each part gives one row to each
final as (
    select
        group_key,
        is_total,
        max(deals) as deals,
        max(won) as won,
        max(lost) as lost,
        max(bookings) as bookings,
        max(lost_amount) as lost_amount,
        max(cycle_days_median) as cycle_days_median,
        max(cycle_days_mean) as cycle_days_mean,
        max(open) as open,
        max(open_pipeline) as open_pipeline,
        max(weighted_pipeline) as weighted_pipeline
    from parts
    group by group_key, is_total
)

select * from final
order by is_total, group_key
