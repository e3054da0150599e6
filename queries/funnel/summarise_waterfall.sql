-- The pipeline waterfall (see the waterfall_moves macro in 006_analytics) from just before
-- $from_at to just before $to_at, for deals expected to close in [$window_start, $window_end)
-- (null = all open deals): one row per step in display order - start, new, increased,
-- decreased, pushed_out, pulled_in, won, lost, end - with its deals and signed amount
-- (outflows negative), so the steps before end add up to end exactly.
-- Scope and filters as analytics_deals.
with moves as (
    select *
    from waterfall_moves(
        $rep_ids, $territory_id, $product_id,
        $from_at, $to_at, $window_start, $window_end
    )
),

kinds as (
    -- the deals per way in, way out and direction of change (a few dozen rows), so the
    -- totals below add up small sums instead of filtering every deal eighteen times
    select
        entry_kind,
        exit_kind,
        sign(change_amount) as change_sign,
        count(*) as deals,
        sum(entry_amount) as entry_amount,
        sum(exit_amount) as exit_amount,
        sum(change_amount) as change_amount
    from moves
    group by all
),

totals as (
    select
        coalesce(sum(deals) filter (where entry_kind = 'start'), 0) as start_deals,
        coalesce(sum(entry_amount) filter (where entry_kind = 'start'), 0) as start_amount,
        coalesce(sum(deals) filter (where entry_kind = 'new'), 0) as new_deals,
        coalesce(sum(entry_amount) filter (where entry_kind = 'new'), 0) as new_amount,
        coalesce(sum(deals) filter (where change_sign > 0), 0) as increased_deals,
        coalesce(sum(change_amount) filter (where change_sign > 0), 0) as increased_amount,
        coalesce(sum(deals) filter (where change_sign < 0), 0) as decreased_deals,
        coalesce(sum(change_amount) filter (where change_sign < 0), 0) as decreased_amount,
        coalesce(sum(deals) filter (where exit_kind = 'out'), 0) as pushed_out_deals,
        coalesce(-sum(exit_amount) filter (where exit_kind = 'out'), 0) as pushed_out_amount,
        coalesce(sum(deals) filter (where entry_kind = 'pulled_in'), 0) as pulled_in_deals,
        coalesce(sum(entry_amount) filter (where entry_kind = 'pulled_in'), 0) as pulled_in_amount,
        coalesce(sum(deals) filter (where exit_kind = 'won'), 0) as won_deals,
        coalesce(-sum(exit_amount) filter (where exit_kind = 'won'), 0) as won_amount,
        coalesce(sum(deals) filter (where exit_kind = 'lost'), 0) as lost_deals,
        coalesce(-sum(exit_amount) filter (where exit_kind = 'lost'), 0) as lost_amount,
        coalesce(sum(deals) filter (where exit_kind = 'in'), 0) as end_deals,
        coalesce(sum(exit_amount) filter (where exit_kind = 'in'), 0) as end_amount
    from kinds
),

steps as (
    select *
    from (
        values
            (1, 'start'), (2, 'new'), (3, 'increased'), (4, 'decreased'), (5, 'pushed_out'),
            (6, 'pulled_in'), (7, 'won'), (8, 'lost'), (9, 'end')
    ) as step_list (position, step)
),

final as (
    select
        steps.position,
        steps.step,
        case steps.step
            when 'start' then totals.start_deals
            when 'new' then totals.new_deals
            when 'increased' then totals.increased_deals
            when 'decreased' then totals.decreased_deals
            when 'pushed_out' then totals.pushed_out_deals
            when 'pulled_in' then totals.pulled_in_deals
            when 'won' then totals.won_deals
            when 'lost' then totals.lost_deals
            else totals.end_deals
        end::bigint as deals,
        case steps.step
            when 'start' then totals.start_amount
            when 'new' then totals.new_amount
            when 'increased' then totals.increased_amount
            when 'decreased' then totals.decreased_amount
            when 'pushed_out' then totals.pushed_out_amount
            when 'pulled_in' then totals.pulled_in_amount
            when 'won' then totals.won_amount
            when 'lost' then totals.lost_amount
            else totals.end_amount
        end::decimal(18, 2) as amount
    from steps
    cross join totals
)

select * from final
order by position
