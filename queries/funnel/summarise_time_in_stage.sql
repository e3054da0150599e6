-- Time in stage, one row per open stage and state: 'completed' = stays that ended in
-- [$start, $end) (the deal moved to another stage, won or lost), 'current' = deals still in
-- the stage at $now (days so far). Columns: stays, mean days and the 5th, 25th, 50th, 75th
-- and 95th percentile of days (fractional). Scope and filters as analytics_deals.
with stays as (
    select stage_id, entered_at, left_at
    from analytics_stays(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    )
    where (left_at >= $start and left_at < $end) or left_at = 'infinity'::timestamp
),

measured as (
    select
        stage_id,
        case when left_at = 'infinity'::timestamp then 'current' else 'completed' end as state,
        epoch(
            case when left_at = 'infinity'::timestamp then $now::timestamp else left_at end
            - entered_at
        ) / 86400.0 as days
    from stays
    where left_at <> 'infinity'::timestamp or entered_at <= $now
),

summarised as (
    select
        stage_id,
        state,
        count(*) as stays,
        avg(days) as mean_days,
        quantile_cont(days, [0.05, 0.25, 0.5, 0.75, 0.95]) as quantiles
    from measured
    group by stage_id, state
),

final as (
    select
        stages.stage_id,
        stages.sort_order as stage_order,
        stages.stage_name,
        summarised.state,
        summarised.stays,
        summarised.mean_days,
        summarised.quantiles[1] as p05_days,
        summarised.quantiles[2] as p25_days,
        summarised.quantiles[3] as median_days,
        summarised.quantiles[4] as p75_days,
        summarised.quantiles[5] as p95_days
    from summarised
    inner join stages on stages.stage_id = summarised.stage_id
)

select * from final
order by state, stage_order
