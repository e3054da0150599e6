-- A forecast from the scope's own history, per rep and in total (unit_level 'rep' | 'total'):
-- for every open deal now (deal_spans' current state), the chance to win = the share won of
-- the deals that reached its stage among those closed in [$history_start, $history_end)
-- (by count), and the expected win date = when it entered its stage + the median days from
-- entering that stage to winning (deals won in the same window), not before $now. The
-- forecast for [$start, $end) = the sum of amount x chance over deals expected to win in it
-- (a rep with none has no row). Scope and filters as analytics_deals; history from
-- closed_deal_counts and win_cycle_medians.
with closed_counts as (
    -- deals won or lost in the history window (its whole months counted in closing_days),
    -- per furthest stage reached and final stage (the stages are looked up for these few
    -- groups, not for every deal)
    select furthest_stage_order, stage_id, sum(deals) as deals
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id, $history_start, $history_end, true
    )
    group by furthest_stage_order, stage_id
),

history as (
    -- ... per furthest stage reached and outcome
    select closed_counts.furthest_stage_order, stages.is_won, sum(closed_counts.deals) as deals
    from closed_counts
    inner join stages on stages.stage_id = closed_counts.stage_id
    where stages.is_won or stages.is_lost
    group by closed_counts.furthest_stage_order, stages.is_won
),

open_stages as (
    select stage_id, sort_order
    from stages
    where not is_won and not is_lost and is_active
),

stage_rates as (
    select
        open_stages.stage_id,
        sum(history.deals) filter (where history.is_won) / nullif(sum(history.deals), 0)
            as win_rate
    from open_stages
    left join history on history.furthest_stage_order >= open_stages.sort_order
    group by open_stages.stage_id
),

stage_cycles as (
    select stage_id, median_days_to_win as days_to_win
    from win_cycle_medians(
        $rep_ids, $territory_id, $product_id,
        $history_start, $history_end
    )
),

stage_model as (
    -- per open stage (a handful of rows): the chance to win, and the stage entries whose
    -- expected win (entry + the median days to win, not before $now) falls in [$start, $end):
    -- [entered_from, entered_to), so each open deal is only compared, not computed on
    select
        open_stages.stage_id,
        coalesce(stage_rates.win_rate, 0) as win_rate,
        case
            when $now::timestamp >= $start::timestamp then '-infinity'::timestamp
            else $start::timestamp - to_seconds(coalesce(stage_cycles.days_to_win, 0) * 86400)
        end as entered_from,
        case
            when $now::timestamp < $end::timestamp
                then $end::timestamp - to_seconds(coalesce(stage_cycles.days_to_win, 0) * 86400)
            else '-infinity'::timestamp
        end as entered_to
    from open_stages
    left join stage_rates on stage_rates.stage_id = open_stages.stage_id
    left join stage_cycles on stage_cycles.stage_id = open_stages.stage_id
),

projected as (
    -- the open deals now expected to win in the period
    select spans.owner_rep_id, spans.amount_rc * stage_model.win_rate as expected_wins
    from analytics_spans($rep_ids, $territory_id, $product_id) as spans
    inner join stage_model on stage_model.stage_id = spans.stage_id
    where spans.valid_to = 'infinity'::timestamp and spans.valid_from <= $now
        and spans.stage_entered_at >= stage_model.entered_from
        and spans.stage_entered_at < stage_model.entered_to
)

select
    case when grouping(owner_rep_id) = 0 then 'rep' else 'total' end as unit_level,
    owner_rep_id as unit_id,
    coalesce(sum(expected_wins), 0)::decimal(18, 2) as projected_wins
from projected
group by grouping sets ((owner_rep_id), ())
