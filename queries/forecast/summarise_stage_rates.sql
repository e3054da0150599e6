-- The scope's own history per open stage, for closed deals of [$history_start, $history_end):
-- deals that reached the stage, how many of them were won (the chance to win from the stage,
-- by count and by value), and the median days from entering the stage to winning.
-- Scope and filters as analytics_deals.
with history as (
    select deals.furthest_stage_order, deals.amount_rc, stages.is_won
    from analytics_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where (stages.is_won or stages.is_lost)
        and deals.closed_at >= $history_start and deals.closed_at < $history_end
),

cycles as (
    select stage_id, median(epoch(closed_at - entered_at) / 86400.0) as median_days_to_win
    from analytics_stays(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    )
    where is_won and closed_at >= $history_start and closed_at < $history_end
    group by stage_id
)

select
    stages.stage_id,
    stages.sort_order as stage_order,
    stages.stage_name,
    count(history.is_won)::bigint as reached,
    count(*) filter (where history.is_won)::bigint as won,
    count(*) filter (where history.is_won) / nullif(count(history.is_won), 0) as win_rate,
    sum(history.amount_rc) filter (where history.is_won)
        / nullif(sum(history.amount_rc), 0) as win_rate_value,
    cycles.median_days_to_win
from stages
left join history on history.furthest_stage_order >= stages.sort_order
left join cycles on cycles.stage_id = stages.stage_id
where not stages.is_won and not stages.is_lost and stages.is_active
group by stages.stage_id, stages.sort_order, stages.stage_name, cycles.median_days_to_win
order by stages.sort_order
