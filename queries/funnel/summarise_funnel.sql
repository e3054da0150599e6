-- Stage funnel, one row per period_no (1 = [$start, $end); 2 = [$compare_start,
-- $compare_end) when a comparison is given), slice_key and open stage (stage_order,
-- stage_name): the deals of the cohort ($cohort 'created' = created in the period, 'closed' =
-- won or lost in it) that reached the stage (furthest_stage_order >= its order, so a skipped stage
-- counts as passed) and their amount; those that reached the next stage (won, for the last
-- one) and the conversion; the drop-off: lost at the stage, or still open at it.
-- $slice_by: none, owner, team, territory, product, source, rating, cohort (created month).
-- The reps the viewer may see ($rep_ids, null = every rep) and the filters ($territory_id,
-- $product_id) as analytics_deals, over created_deal_counts and closed_deal_counts.
with cohorts as (
    -- the period's cohort, then the comparison's (load_funnel refuses overlapping periods),
    -- counted per month (cohort_counts, closing_days) when the slice is by rep or none; the
    -- cohort not chosen gets no start, so its ranges are empty and read nothing. Both give
    -- the deals' owner, territory, product, source, rating, created_at, stage and furthest
    -- stage, deals and amount
    select 1 as period_no, * exclude (created_month)
    from created_deal_counts(
        $rep_ids, $territory_id, $product_id,
        case when $cohort = 'created' then $start end, $end,
        $slice_by in ('none', 'owner', 'team')
    )
    union all by name
    select 2 as period_no, * exclude (created_month)
    from created_deal_counts(
        $rep_ids, $territory_id, $product_id,
        case when $cohort = 'created' then $compare_start end, $compare_end,
        $slice_by in ('none', 'owner', 'team')
    )
    union all by name
    select 1 as period_no, * exclude (closed_month, closed_at, cycle_days)
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id,
        case when $cohort = 'closed' then $start end, $end,
        $slice_by in ('none', 'owner', 'team')
    )
    union all by name
    select 2 as period_no, * exclude (closed_month, closed_at, cycle_days)
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id,
        case when $cohort = 'closed' then $compare_start end, $compare_end,
        $slice_by in ('none', 'owner', 'team')
    )
),

grouped as (
    select
        period_no,
        case $slice_by
            when 'owner' then owner_rep_id
            when 'team' then owner_rep_id
            when 'territory' then territory_id
            when 'product' then product_id
            when 'cohort' then year(created_at) * 100 + month(created_at)
        end as slice_id,
        case $slice_by when 'source' then lead_source when 'rating' then lead_rating end
            as slice_text,
        furthest_stage_order,
        stage_id,
        sum(deals) as deals,
        sum(amount) as amount
    from cohorts
    group by all
),

named as (
    select
        grouped.period_no,
        coalesce(
            case $slice_by
                when 'owner' then reps.full_name
                when 'team' then teams.team_name
                when 'territory' then territories.territory_name
                when 'product' then products.product_name
                when 'source' then grouped.slice_text
                when 'rating' then grouped.slice_text
                when 'cohort' then printf('%04d-%02d', grouped.slice_id // 100, grouped.slice_id % 100)
                else 'All'
            end,
            '(none)'
        ) as slice_key,
        grouped.furthest_stage_order,
        deal_stage.is_won,
        deal_stage.is_lost,
        grouped.deals,
        grouped.amount
    from grouped
    inner join stages as deal_stage on deal_stage.stage_id = grouped.stage_id
    left join reps on $slice_by in ('owner', 'team') and reps.rep_id = grouped.slice_id
    left join teams on teams.team_id = reps.team_id
    left join territories
        on $slice_by = 'territory' and territories.territory_id = grouped.slice_id
    left join products on $slice_by = 'product' and products.product_id = grouped.slice_id
),

open_stages as (
    select stage_name, sort_order
    from stages
    where pipeline_name = 'default' and not is_won and not is_lost and is_active
),

final as (
    select
        named.period_no,
        named.slice_key,
        open_stages.sort_order as stage_order,
        open_stages.stage_name,
        coalesce(sum(named.deals) filter (where named.furthest_stage_order >= open_stages.sort_order), 0)::bigint
            as reached,
        coalesce(sum(named.amount) filter (where named.furthest_stage_order >= open_stages.sort_order), 0)
            as reached_amount,
        coalesce(sum(named.deals) filter (
            where named.furthest_stage_order > open_stages.sort_order
                or (named.furthest_stage_order = open_stages.sort_order and named.is_won)
        ), 0)::bigint as next_deals,
        coalesce(sum(named.amount) filter (
            where named.furthest_stage_order > open_stages.sort_order
                or (named.furthest_stage_order = open_stages.sort_order and named.is_won)
        ), 0) as next_amount,
        coalesce(sum(named.deals) filter (
            where named.furthest_stage_order = open_stages.sort_order and named.is_lost
        ), 0)::bigint as dropped_lost,
        coalesce(sum(named.deals) filter (
            where named.furthest_stage_order = open_stages.sort_order
                and not named.is_won and not named.is_lost
        ), 0)::bigint as dropped_open,
        coalesce(sum(named.amount) filter (
            where named.furthest_stage_order = open_stages.sort_order and not named.is_won
        ), 0) as dropped_amount
    from named
    cross join open_stages
    group by named.period_no, named.slice_key, open_stages.sort_order, open_stages.stage_name
)

select
    period_no,
    slice_key,
    stage_order,
    stage_name,
    reached,
    reached_amount,
    next_deals,
    next_amount,
    next_deals / nullif(reached, 0) as conversion,
    dropped_lost,
    dropped_open,
    dropped_lost + dropped_open as dropped,
    dropped_amount
from final
order by period_no, slice_key, stage_order
