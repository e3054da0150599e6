-- Time in stage, one row per open stage and state: 'completed' = stays that ended in
-- [$start, $end) (the deal moved to another stage, won or lost), 'current' = deals still in
-- the stage at $now (days so far). Columns: stays, mean days and the 5th, 25th, 50th, 75th
-- and 95th percentile of days (fractional). Scope and filters as analytics_deals.
-- Durations are whole microseconds (bigint) until the end: percentiles over integers are
-- several times faster than over doubles, and exact.
with completed as (
    -- stays that ended in the period: deal_stage_stays is kept in left_at order, so this
    -- reads the period's row groups only
    select
        stage_id,
        false as is_current,
        epoch_us(left_at) - epoch_us(entered_at) as micros
    from analytics_stays(
        $rep_ids, $territory_id, $product_id
    )
    where left_at >= $start and left_at < $end
),

current_stays as (
    -- open deals' stays so far (left_at 'infinity': the last row groups)
    select
        stage_id,
        true as is_current,
        epoch_us($now::timestamp) - epoch_us(entered_at) as micros
    from analytics_stays(
        $rep_ids, $territory_id, $product_id
    )
    where left_at = 'infinity'::timestamp and entered_at <= $now
),

measured as (
    select * from completed
    union all
    select * from current_stays
),

summarised as (
    -- grouped by two small keys (no text): the percentiles are the costly part
    select
        stage_id,
        is_current,
        count(*) as stays,
        avg(micros) as mean_micros,
        quantile_cont(micros, [0.05, 0.25, 0.5, 0.75, 0.95]) as quantiles
    from measured
    group by stage_id, is_current
),

final as (
    select
        stages.stage_id,
        stages.sort_order as stage_order,
        stages.stage_name,
        case when summarised.is_current then 'current' else 'completed' end as state,
        summarised.stays,
        summarised.mean_micros / 86400e6 as mean_days,
        summarised.quantiles[1] / 86400e6 as p05_days,
        summarised.quantiles[2] / 86400e6 as p25_days,
        summarised.quantiles[3] / 86400e6 as median_days,
        summarised.quantiles[4] / 86400e6 as p75_days,
        summarised.quantiles[5] / 86400e6 as p95_days
    from summarised
    inner join stages on stages.stage_id = summarised.stage_id
)

select * from final
order by state, stage_order
