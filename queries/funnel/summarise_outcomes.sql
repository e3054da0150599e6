-- Closed-deal figures and open deals per period_no (1 = [$start, $end), 2 = [$compare_start,
-- $compare_end)) and slice_key ($slice_by as in summarise_funnel): won and lost deals closed
-- in the period, bookings, lost amount, sales cycle of the won (days from created to won,
-- calendar dates: median and mean), and the deals open at $open_at / $compare_open_at (the
-- period's end, or now while it runs) with their amount, rebuilt from deal_spans.
-- Scope and filters as analytics_deals; the closed deals come from closed_deal_counts.
with closed as (
    -- the period's closed deals, then the comparison's (load_outcomes refuses overlapping
    -- periods), counted: per month from closing_days when the slice is by rep or none
    select 1 as period_no, counts.*
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id,
        $start, $end, $slice_by in ('none', 'owner', 'team')
    ) as counts
    union all
    select 2 as period_no, counts.*
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id,
        $compare_start, $compare_end, $slice_by in ('none', 'owner', 'team')
    ) as counts
),

closed_days as (
    -- per period, slice, outcome and cycle days: the cycle days of the won are unique per
    -- slice below, so they make a map days -> deals
    select
        closed.period_no,
        case $slice_by
            when 'owner' then closed.owner_rep_id
            when 'team' then closed.owner_rep_id
            when 'territory' then closed.territory_id
            when 'product' then closed.product_id
            when 'cohort' then year(closed.created_at) * 100 + month(closed.created_at)
        end as slice_id,
        case $slice_by when 'source' then closed.lead_source when 'rating' then closed.lead_rating end
            as slice_text,
        stages.is_won,
        closed.cycle_days,
        sum(closed.deals) as deals,
        sum(closed.amount) as amount
    from closed
    inner join stages on stages.stage_id = closed.stage_id
    group by all
),

closed_grouped as (
    select
        period_no,
        slice_id,
        slice_text,
        coalesce(sum(deals) filter (where is_won), 0) as won,
        coalesce(sum(deals) filter (where not is_won), 0) as lost,
        coalesce(sum(amount) filter (where is_won), 0) as bookings,
        coalesce(sum(amount) filter (where not is_won), 0) as lost_amount,
        -- the won deals per whole cycle days: the median and mean below come from these counts
        map_from_entries(list((cycle_days, deals)) filter (where is_won)) as cycle_days
    from closed_days
    group by all
),

spans as (
    -- open at the period's end, then at the comparison's: each reads its own row groups
    select 1 as period_no, valid_from, valid_to, stage_id, amount_rc, owner_rep_id,
        territory_id, product_id, lead_source, lead_rating, created_at
    from analytics_spans(
        $rep_ids, $territory_id, $product_id
    )
    where valid_from < $open_at and valid_to >= $open_at
    union all
    select 2 as period_no, valid_from, valid_to, stage_id, amount_rc, owner_rep_id,
        territory_id, product_id, lead_source, lead_rating, created_at
    from analytics_spans(
        $rep_ids, $territory_id, $product_id
    )
    where valid_from < $compare_open_at and valid_to >= $compare_open_at
),

open_grouped as (
    select
        spans.period_no,
        case $slice_by
            when 'owner' then spans.owner_rep_id
            when 'team' then spans.owner_rep_id
            when 'territory' then spans.territory_id
            when 'product' then spans.product_id
            when 'cohort' then year(spans.created_at) * 100 + month(spans.created_at)
        end as slice_id,
        case $slice_by when 'source' then spans.lead_source when 'rating' then spans.lead_rating end
            as slice_text,
        count(*) as open_deals,
        sum(spans.amount_rc) as open_amount
    from spans
    inner join stages on stages.stage_id = spans.stage_id
    where not stages.is_won and not stages.is_lost
    group by all
),

joined as (
    select
        coalesce(closed_grouped.period_no, open_grouped.period_no) as period_no,
        coalesce(closed_grouped.slice_id, open_grouped.slice_id) as slice_id,
        coalesce(closed_grouped.slice_text, open_grouped.slice_text) as slice_text,
        coalesce(closed_grouped.won, 0) as won,
        coalesce(closed_grouped.lost, 0) as lost,
        coalesce(closed_grouped.bookings, 0) as bookings,
        coalesce(closed_grouped.lost_amount, 0) as lost_amount,
        closed_grouped.cycle_days,
        coalesce(open_grouped.open_deals, 0) as open_deals,
        coalesce(open_grouped.open_amount, 0) as open_amount
    from closed_grouped
    full outer join open_grouped
        on open_grouped.period_no = closed_grouped.period_no
        and open_grouped.slice_id is not distinct from closed_grouped.slice_id
        and open_grouped.slice_text is not distinct from closed_grouped.slice_text
),

named as (
    select
        joined.period_no,
        coalesce(
            case $slice_by
                when 'owner' then reps.full_name
                when 'team' then teams.team_name
                when 'territory' then territories.territory_name
                when 'product' then products.product_name
                when 'source' then joined.slice_text
                when 'rating' then joined.slice_text
                when 'cohort' then printf('%04d-%02d', joined.slice_id // 100, joined.slice_id % 100)
                else 'All'
            end,
            '(none)'
        ) as slice_key,
        joined.won,
        joined.lost,
        joined.bookings,
        joined.lost_amount,
        joined.cycle_days,
        joined.open_deals,
        joined.open_amount
    from joined
    left join reps on $slice_by in ('owner', 'team') and reps.rep_id = joined.slice_id
    left join teams on teams.team_id = reps.team_id
    left join territories on $slice_by = 'territory' and territories.territory_id = joined.slice_id
    left join products on $slice_by = 'product' and products.product_id = joined.slice_id
),

cycle_counts as (
    -- won deals per period, slice and cycle days, merging the slices one name covers
    select period_no, slice_key, days, sum(deals) as deals
    from (
        select
            period_no,
            slice_key,
            unnest(map_keys(cycle_days)) as days,
            unnest(map_values(cycle_days)) as deals
        from named
        where cycle_days is not null
    )
    group by period_no, slice_key, days
),

cycle_ranks as (
    -- the 0-based ranks of each day count's first and last deal, and of the middle deal(s)
    select
        period_no,
        slice_key,
        days,
        deals,
        sum(deals) over (
            partition by period_no, slice_key order by days
            rows between unbounded preceding and current row
        ) as next_rank,
        (sum(deals) over (partition by period_no, slice_key) - 1) // 2 as low_rank,
        sum(deals) over (partition by period_no, slice_key) // 2 as high_rank
    from cycle_counts
),

cycles as (
    -- median (the middle value, or the mean of the two middle values) and mean cycle days
    select
        period_no,
        slice_key,
        (
            any_value(days) filter (where low_rank >= next_rank - deals and low_rank < next_rank)
            + any_value(days) filter (where high_rank >= next_rank - deals and high_rank < next_rank)
        ) / 2 as cycle_days_median,
        sum(days * deals) / sum(deals) as cycle_days_mean
    from cycle_ranks
    group by period_no, slice_key
),

totals as (
    select
        period_no,
        slice_key,
        sum(won)::bigint as won,
        sum(lost)::bigint as lost,
        sum(bookings) as bookings,
        sum(lost_amount) as lost_amount,
        sum(open_deals)::bigint as open_deals,
        sum(open_amount) as open_amount
    from named
    group by period_no, slice_key
),

final as (
    select
        totals.period_no,
        totals.slice_key,
        totals.won,
        totals.lost,
        totals.bookings,
        totals.lost_amount,
        cycles.cycle_days_median,
        cycles.cycle_days_mean,
        totals.open_deals,
        totals.open_amount
    from totals
    left join cycles
        on cycles.period_no = totals.period_no and cycles.slice_key = totals.slice_key
)

select * from final
order by period_no, slice_key
