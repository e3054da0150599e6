-- The deals behind one waterfall step ($step: start, new, increased, decreased, pushed_out,
-- pulled_in, won, lost, end) between $from_at and $to_at for the close window
-- [$window_start, $window_end): stage, amount and (expected) close date at both ends and the
-- amount the deal adds to the step, largest first, at most $limit rows.
-- Scope and filters as analytics_deals.
with moves as (
    select *
    from waterfall_moves(
        $rep_ids, $territory_id, $product_id,
        $from_at, $to_at, $window_start, $window_end
    )
    where case $step
        when 'start' then entry_kind = 'start'
        when 'new' then entry_kind = 'new'
        when 'pulled_in' then entry_kind = 'pulled_in'
        when 'increased' then change_amount > 0
        when 'decreased' then change_amount < 0
        when 'pushed_out' then exit_kind = 'out'
        when 'won' then exit_kind = 'won'
        when 'lost' then exit_kind = 'lost'
        when 'end' then exit_kind = 'in'
        else false
    end
),

valued as (
    select
        moves.*,
        case
            when $step in ('start', 'new', 'pulled_in') then entry_amount
            when $step in ('increased', 'decreased') then change_amount
            else exit_amount
        end as step_amount
    from moves
    order by abs(step_amount) desc, opportunity_id
    limit $limit
)

select
    valued.opportunity_id,
    opportunities.opportunity_name,
    reps.full_name as owner_name,
    territories.territory_name,
    products.product_name,
    valued.step_amount,
    start_stage.stage_name as stage_at_start,
    end_stage.stage_name as stage_at_end,
    valued.entry_amount as amount_at_entry,
    valued.exit_amount as amount_at_exit,
    valued.start_expected_close_date as expected_close_at_start,
    valued.end_close_date as close_date_at_end,
    valued.created_at
from valued
inner join opportunities on opportunities.opportunity_id = valued.opportunity_id
inner join reps on reps.rep_id = opportunities.owner_rep_id
left join territories on territories.territory_id = opportunities.territory_id
left join products on products.product_id = opportunities.product_id
left join stages as start_stage on start_stage.stage_id = valued.start_stage_id
left join stages as end_stage on end_stage.stage_id = valued.end_stage_id
order by abs(valued.step_amount) desc, valued.opportunity_id
