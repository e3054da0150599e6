-- Deal KPIs in one row (group_key 'All'): deals created in [$start, $end); won / lost deals,
-- bookings, lost amount and sales cycle (median, mean) of deals closed in [$start, $end)
-- (null bounds = unbounded); and the open pipeline now (open deals, their amount, and amount
-- weighted by probability; zero when not $open_now). Scope: $scope_kind, $scope_rep_id,
-- $scope_team_id; filters: $team_id, $territory_id, $product_id. The same figures as
-- summarise_groups, without groups: each part reads only the deals it counts. The deals are
-- those of overview_deals (011_overview_speed), with the visible reps and territories worked
-- out once for all parts.
with visible as materialized (
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
        stages.is_lost
    from opportunities
    inner join visible on visible.rep_id = opportunities.owner_rep_id
    inner join stages on stages.stage_id = opportunities.stage_id
    where ($territory_id is null or opportunities.territory_id in (
            select territory_id from in_territory
        ))
        and ($product_id is null or opportunities.product_id = $product_id)
),

created as (
    select count(*) as deals
    from deals
    where ($start is null or created_at >= $start)
        and ($end is null or created_at < $end)
),

closed as (
    select
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
),

open_now as (
    select
        count(*) as open,
        coalesce(sum(amount_rc), 0) as open_pipeline,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_pipeline
    from deals
    where $open_now and not is_won and not is_lost
),

final as (
    select 'All' as group_key, created.*, closed.*, open_now.*
    from created
    cross join closed
    cross join open_now
)

select * from final
