-- Plan vs actual bookings in [$start, $end), one row per unit of $dimension: 'division'
-- (regions of the team hierarchy), 'team' (teams at the lowest level), 'product', or
-- 'territory' (regions of the territory hierarchy). Units: those inside the scope
-- ($scope_kind, $scope_rep_id, $scope_team_id; divisions and teams within the scope team's
-- subtree). Actual: won deals in scope closed in the period (won deals, bookings). Plan:
-- bookings goals set for the unit, each spread over its days and counted for the days it
-- overlaps the period, the finest goal period kind winning in each month (goal_shares).
-- Product and territory goals are company-wide, so they count only for scope 'all'.
with recursive team_region(team_id, region_team_id) as (
    select team_id, team_id from teams where team_level = 'region'
    union all
    select child.team_id, parent.region_team_id
    from teams as child
    inner join team_region as parent on child.parent_team_id = parent.team_id
),

territory_region(territory_id, region_territory_id) as (
    select territory_id, territory_id from territories where territory_kind = 'region'
    union all
    select child.territory_id, parent.region_territory_id
    from territories as child
    inner join territory_region as parent on child.parent_territory_id = parent.territory_id
),

scope_teams(team_id) as (
    select team_id from teams where $scope_kind = 'all' or team_id = $scope_team_id
    union
    select child.team_id
    from teams as child
    inner join scope_teams as parent on child.parent_team_id = parent.team_id
),

won as (
    select
        case $dimension
            when 'division' then team_region.region_team_id
            when 'team' then deals.owner_team_id
            when 'product' then deals.product_id
            when 'territory' then territory_region.region_territory_id
        end as unit_id,
        deals.amount_rc
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as deals
    left join team_region on team_region.team_id = deals.owner_team_id
    left join territory_region on territory_region.territory_id = deals.territory_id
    where deals.is_won and deals.closed_at >= $start and deals.closed_at < $end
),

actuals as (
    select unit_id, count(*) as won, sum(amount_rc) as bookings
    from won
    group by unit_id
),

units as (
    select team_id as unit_id, team_name as unit_name
    from teams
    where $dimension = 'division'
        and team_level = 'region'
        and team_id in (select team_id from scope_teams)
    union all
    select team_id, team_name
    from teams
    where $dimension = 'team'
        and team_level = 'team'
        and team_id in (select team_id from scope_teams)
    union all
    select product_id, product_name
    from products
    where $dimension = 'product'
    union all
    select territory_id, territory_name
    from territories
    where $dimension = 'territory' and territory_kind = 'region'
),

plans as (
    -- the units' goals for the period, the finest kind winning in each month (goal_shares)
    select scope_id as unit_id, sum(share) as plan
    from goal_shares(
        case $dimension
            when 'division' then 'team'
            when 'team' then 'team'
            when 'product' then 'product'
            when 'territory' then 'territory'
        end,
        'bookings',
        $start,
        $end
    )
    where $dimension in ('division', 'team') or $scope_kind = 'all'
    group by scope_id
),

final as (
    select
        units.unit_id,
        units.unit_name,
        round(plans.plan, 2)::decimal(18, 2) as plan,
        coalesce(actuals.won, 0) as won,
        coalesce(actuals.bookings, 0) as bookings,
        coalesce(actuals.bookings, 0) - round(plans.plan, 2)::decimal(18, 2) as variance,
        coalesce(actuals.bookings, 0) / nullif(plans.plan, 0) as attainment
    from units
    left join actuals on actuals.unit_id = units.unit_id
    left join plans on plans.unit_id = units.unit_id
)

select * from final
order by plan desc nulls last, bookings desc, unit_name
