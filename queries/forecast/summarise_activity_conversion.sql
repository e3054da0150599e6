-- Win rate by activity type among deals closed in [$start, $end): one row per activity type
-- with the closed deals that had at least one activity of that type, how many were won and
-- the win rate; and the baseline win rate of all closed deals. Scope and filters as
-- analytics_deals.
with closed as (
    select deals.opportunity_id, stages.is_won
    from analytics_deals(
        $rep_ids, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where (stages.is_won or stages.is_lost)
        and deals.closed_at >= $start and deals.closed_at < $end
),

touched as (
    select distinct activities.opportunity_id, activities.activity_type
    from activities
    inner join closed on closed.opportunity_id = activities.opportunity_id
),

baseline as (
    select count(*) filter (where is_won) / nullif(count(*), 0) as baseline_win_rate
    from closed
)

select
    touched.activity_type,
    count(*) as closed,
    count(*) filter (where closed.is_won) as won,
    count(*) filter (where closed.is_won) / count(*) as win_rate,
    any_value(baseline.baseline_win_rate) as baseline_win_rate
from touched
inner join closed on closed.opportunity_id = touched.opportunity_id
cross join baseline
group by touched.activity_type
order by win_rate desc, touched.activity_type
