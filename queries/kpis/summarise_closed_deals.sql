-- Closed-deal KPIs, one row per group_key ($group_by: owner, team, territory, product,
-- stage, source, or null for one row). Deals counted: created in [$start, $end); won/lost,
-- bookings, win rates and cycle: closed in [$start, $end). Null bounds = unbounded.
-- Scope: $scope_kind, $scope_rep_id, $scope_team_id; filters: $team_id, $territory_id, $product_id.
with deals as (
    select *
    from scoped_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id, $group_by
    )
),

flagged as (
    select
        group_key,
        amount_rc,
        is_won,
        is_lost,
        date_diff('day', created_at::date, closed_at::date) as cycle_days,
        ($start is null or created_at >= $start) and ($end is null or created_at < $end) as is_created_in_period,
        closed_at is not null
            and ($start is null or closed_at >= $start)
            and ($end is null or closed_at < $end) as is_closed_in_period
    from deals
),

final as (
    select
        group_key,
        count(*) filter (where is_created_in_period) as deals,
        count(*) filter (where is_closed_in_period and is_won) as won,
        count(*) filter (where is_closed_in_period and is_lost) as lost,
        coalesce(sum(amount_rc) filter (where is_closed_in_period and is_won), 0) as bookings,
        coalesce(sum(amount_rc) filter (where is_closed_in_period and is_lost), 0) as lost_amount,
        median(cycle_days) filter (where is_closed_in_period and is_won) as cycle_days_median,
        avg(cycle_days) filter (where is_closed_in_period and is_won) as cycle_days_mean
    from flagged
    group by group_key
)

select * from final
order by group_key
