-- Time in stage, one row per open stage and state: 'completed' = stays that ended in
-- [$start, $end) (the deal moved to another stage, won or lost), 'current' = deals still in
-- the stage at $now (days so far). Columns: stays, mean days and the 5th, 25th, 50th, 75th
-- and 95th percentile of days, in whole days (the floor of the time in the stage; the
-- percentiles interpolate as quantile_cont does). Scope and filters as analytics_deals.
-- The completed stays are counted per stage and whole day: from stay_days for the period's
-- whole months (no territory or product filter), from deal_stage_stays for the rest.
with day_counts as (
    select stage_id, false as is_current, whole_days, stays
    from stay_days
    where ($rep_ids is null or owner_rep_id = any($rep_ids))
        and left_month >= counted_months_from(
            $start, $end, $territory_id is null and $product_id is null
        )::date
        and left_month < counted_months_to(
            $start, $end, $territory_id is null and $product_id is null
        )::date
    union all
    -- the partial months at either end: deal_stage_stays is kept in left_at order, so each
    -- reads its own row groups
    select
        stage_id,
        false,
        (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000,
        1
    from analytics_stays($rep_ids, $territory_id, $product_id)
    where left_at >= $start
        and left_at < least(
            counted_months_from($start, $end, $territory_id is null and $product_id is null),
            $end::timestamp
        )
    union all
    select
        stage_id,
        false,
        (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000,
        1
    from analytics_stays($rep_ids, $territory_id, $product_id)
    where left_at < $end
        and left_at >= greatest(
            counted_months_to($start, $end, $territory_id is null and $product_id is null),
            $start::timestamp
        )
    union all
    -- open deals' stays so far (left_at 'infinity': the last row groups)
    select
        stage_id,
        true,
        (epoch_us($now::timestamp) - epoch_us(entered_at)) // 86400000000,
        1
    from analytics_stays($rep_ids, $territory_id, $product_id)
    where left_at = 'infinity'::timestamp and entered_at <= $now
),

per_day as (
    select stage_id, is_current, whole_days, sum(stays) as stays
    from day_counts
    group by stage_id, is_current, whole_days
),

ranked as (
    -- each day's stays hold the 0-based ranks [first_rank, next_rank) of the group's stays
    select
        stage_id,
        is_current,
        whole_days,
        stays,
        sum(stays) over (
            partition by stage_id, is_current order by whole_days
            rows between unbounded preceding and current row
        ) as next_rank,
        sum(stays) over (partition by stage_id, is_current) as group_stays
    from per_day
),

positions as (
    -- quantile_cont's positions: (n - 1) x q, between the ranks floor and ceil of it
    select
        ranked.*,
        shares.position,
        (group_stays - 1) * shares.share as exact_rank
    from ranked
    cross join (
        values (1, 0.05), (2, 0.25), (3, 0.5), (4, 0.75), (5, 0.95)
    ) as shares (position, share)
),

quantiles as (
    -- quantile_cont: the days at the two ranks, interpolated by the fraction between them
    select
        stage_id,
        is_current,
        position,
        any_value(whole_days) filter (
            where floor(exact_rank) >= next_rank - stays and floor(exact_rank) < next_rank
        ) as low_days,
        any_value(whole_days) filter (
            where ceil(exact_rank) >= next_rank - stays and ceil(exact_rank) < next_rank
        ) as high_days,
        any_value(exact_rank - floor(exact_rank)) as fraction
    from positions
    group by stage_id, is_current, position
),

summarised as (
    select
        per_day.stage_id,
        per_day.is_current,
        sum(per_day.stays)::bigint as stays,
        sum(per_day.whole_days * per_day.stays) / sum(per_day.stays) as mean_days
    from per_day
    group by per_day.stage_id, per_day.is_current
),

percentiles as (
    select
        stage_id,
        is_current,
        any_value(low_days + fraction * (high_days - low_days)) filter (where position = 1)
            as p05_days,
        any_value(low_days + fraction * (high_days - low_days)) filter (where position = 2)
            as p25_days,
        any_value(low_days + fraction * (high_days - low_days)) filter (where position = 3)
            as median_days,
        any_value(low_days + fraction * (high_days - low_days)) filter (where position = 4)
            as p75_days,
        any_value(low_days + fraction * (high_days - low_days)) filter (where position = 5)
            as p95_days
    from quantiles
    group by stage_id, is_current
),

final as (
    select
        stages.stage_id,
        stages.sort_order as stage_order,
        stages.stage_name,
        case when summarised.is_current then 'current' else 'completed' end as state,
        summarised.stays,
        summarised.mean_days::double as mean_days,
        percentiles.p05_days::double as p05_days,
        percentiles.p25_days::double as p25_days,
        percentiles.median_days::double as median_days,
        percentiles.p75_days::double as p75_days,
        percentiles.p95_days::double as p95_days
    from summarised
    inner join percentiles
        on percentiles.stage_id = summarised.stage_id
        and percentiles.is_current = summarised.is_current
    inner join stages on stages.stage_id = summarised.stage_id
)

select * from final
order by state, stage_order
