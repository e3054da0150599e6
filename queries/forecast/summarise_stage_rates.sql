-- The scope's own history per open stage, for closed deals of [$history_start, $history_end):
-- deals that reached the stage, how many of them were won (the chance to win from the stage,
-- by count and by value), and the median days from entering the stage to winning.
-- Scope and filters as analytics_deals; history from deal_facts and deal_win_cycles
-- (win_cycle_medians).
with history as (
    -- deals closed in the window (deal_facts in closing order: the window's rows), counted per
    -- furthest stage reached and outcome
    select
        facts.furthest_stage_order,
        stages.is_won,
        count(*) as deals,
        sum(facts.amount_rc) as amount
    from analytics_facts(
        $rep_ids, $territory_id, $product_id
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where (stages.is_won or stages.is_lost)
        and facts.closed_at >= $history_start and facts.closed_at < $history_end
    group by facts.furthest_stage_order, stages.is_won
),

cycles as (
    select stage_id, median_days_to_win
    from win_cycle_medians(
        $rep_ids, $territory_id, $product_id,
        $history_start, $history_end
    )
)

select
    stages.stage_id,
    stages.sort_order as stage_order,
    stages.stage_name,
    coalesce(sum(history.deals), 0)::bigint as reached,
    coalesce(sum(history.deals) filter (where history.is_won), 0)::bigint as won,
    coalesce(sum(history.deals) filter (where history.is_won), 0)
        / nullif(sum(history.deals), 0) as win_rate,
    sum(history.amount) filter (where history.is_won)
        / nullif(sum(history.amount), 0) as win_rate_value,
    cycles.median_days_to_win
from stages
left join history on history.furthest_stage_order >= stages.sort_order
left join cycles on cycles.stage_id = stages.stage_id
where not stages.is_won and not stages.is_lost and stages.is_active
group by stages.stage_id, stages.sort_order, stages.stage_name, cycles.median_days_to_win
order by stages.sort_order
