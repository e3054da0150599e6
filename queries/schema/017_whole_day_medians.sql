-- 017_whole_day_medians: the historical forecast's cycle from a stage to the win is counted
-- in whole days (floor of the time from entering the stage to the win, as deal_win_cycles
-- already kept in whole_days), like the sales cycle. The median of the fractional days took
-- a second pass over the 12 months of stays (at 10M deals, 8M of them) to order the stays of
-- the middle day(s); in whole days the counts per day decide it. The fractional days_to_win
-- column had no other reader.

alter table deal_win_cycles drop column days_to_win;

-- Per open stage, the median whole days from entering the stage to the win, over the stays
-- in deal_win_cycles of the deals a viewer may see (015) won in [from_at, to_at): exactly
-- quantile_cont(whole_days, 0.5) - the middle value, or the mean of the two middle values -
-- read off the count of stays per stage and whole day.
create or replace macro win_cycle_medians(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at
) as table
    with day_counts as (
        select stage_id, whole_days, count(*) as stays
        from analytics_win_cycles(rep_ids, filter_territory_id, filter_product_id)
        where closed_at >= from_at and closed_at < to_at
        group by stage_id, whole_days
    ),

    ranked as (
        -- the 0-based rank of each day's first stay, and the ranks of the middle value(s)
        select
            stage_id,
            whole_days,
            sum(stays) over (
                partition by stage_id order by whole_days
                rows between unbounded preceding and current row
            ) - stays as first_rank,
            sum(stays) over (
                partition by stage_id order by whole_days
                rows between unbounded preceding and current row
            ) as next_rank,
            (sum(stays) over (partition by stage_id) - 1) // 2 as low_rank,
            sum(stays) over (partition by stage_id) // 2 as high_rank
        from day_counts
    )

    select
        stage_id,
        (
            any_value(whole_days) filter (where low_rank >= first_rank and low_rank < next_rank)
            + any_value(whole_days) filter (where high_rank >= first_rank and high_rank < next_rank)
        ) / 2 as median_days_to_win
    from ranked
    group by stage_id;
