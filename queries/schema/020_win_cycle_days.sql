-- 020_win_cycle_days: the stays behind the historical forecast's medians, counted per closing
-- month, rep, stage and whole days. The medians (in whole days, 017) counted a year of
-- deal_win_cycles per stage and whole day on every Forecast view: 8M stays at 10M deals.
-- Per month and rep the same counts are about 15 times fewer rows, and a viewer's scope is a
-- set of reps, so win_cycle_medians reads the whole months of its window from win_cycle_days
-- and only the partial months at either end from deal_win_cycles. A territory or product
-- filter (not kept in the roll-up) reads deal_win_cycles for the whole window, as before.
--
-- Derived like deal_win_cycles: dashboard.funnel.refresh_history recounts the (month, rep)
-- cells the refreshed deals' stays were in, before and after (history_refresh_cells), and
-- everything on a full rebuild.

create table win_cycle_days (
    closed_month date not null,             -- the month the deal was won in
    owner_rep_id integer not null,
    stage_id integer not null,
    whole_days integer not null,
    stays bigint not null
);

insert into win_cycle_days
select
    date_trunc('month', closed_at)::date as closed_month,
    owner_rep_id,
    stage_id,
    whole_days,
    count(*) as stays
from deal_win_cycles
group by all
order by closed_month, owner_rep_id, stage_id, whole_days;

-- Per open stage, the median whole days from entering the stage to the win, over the stays of
-- the deals a viewer may see won in [from_at, to_at): exactly quantile_cont(whole_days, 0.5)
-- (the middle value, or the mean of the two middle values), read off the count of stays per
-- stage and whole day - from win_cycle_days for the window's whole months (when no territory
-- or product filter is set) and from deal_win_cycles for the rest.
create or replace macro win_cycle_medians(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at
) as table
    with window_months as (
        -- the window's first whole month, and the month it ends in
        select
            case
                when date_trunc('month', from_at::timestamp) = from_at::timestamp
                    then from_at::timestamp
                else date_trunc('month', from_at::timestamp) + interval 1 month
            end as first_whole,
            date_trunc('month', to_at::timestamp) as last_partial
    ),

    bounds as (
        -- the whole months [first_month, end_month) the roll-up answers (none under a
        -- territory or product filter: first_month = end_month = to_at)
        select
            case
                when filter_territory_id is not null or filter_product_id is not null
                    then to_at::timestamp
                else first_whole
            end as first_month,
            case
                when filter_territory_id is not null or filter_product_id is not null
                    then to_at::timestamp
                else greatest(last_partial, first_whole)
            end as end_month
        from window_months
    ),

    counted as (
        select win_cycle_days.stage_id, win_cycle_days.whole_days, win_cycle_days.stays
        from win_cycle_days, bounds
        where (rep_ids is null or win_cycle_days.owner_rep_id = any(rep_ids))
            and win_cycle_days.closed_month >= bounds.first_month::date
            and win_cycle_days.closed_month < bounds.end_month::date
        union all
        select cycles.stage_id, cycles.whole_days, 1
        from analytics_win_cycles(rep_ids, filter_territory_id, filter_product_id) as cycles,
            bounds
        where cycles.closed_at >= from_at and cycles.closed_at < least(bounds.first_month, to_at)
        union all
        select cycles.stage_id, cycles.whole_days, 1
        from analytics_win_cycles(rep_ids, filter_territory_id, filter_product_id) as cycles,
            bounds
        where cycles.closed_at >= greatest(bounds.end_month, from_at) and cycles.closed_at < to_at
    ),

    day_counts as (
        select stage_id, whole_days, sum(stays) as stays
        from counted
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
