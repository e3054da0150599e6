-- One row: the bookings plan of one scope ($goal_scope_kind 'company' or 'team';
-- $goal_scope_id null for the company) for [$start, $end): each goal overlapping the period
-- counts for its share of days inside it (the finest goal period kind wins where several
-- exist); plan is null when no goal overlaps.
with scope_goals as (
    select
        period_start,
        period_end,
        target,
        dense_rank() over (
            order by case period_kind when 'month' then 1 when 'quarter' then 2 else 3 end
        ) as kind_rank
    from goals
    where metric = 'bookings'
        and scope_kind = $goal_scope_kind
        and scope_id is not distinct from $goal_scope_id
        and period_start < cast($end as date)
        and period_end > cast($start as date)
)

select
    round(sum(
        target
        * date_diff(
            'day',
            greatest(period_start, cast($start as date)),
            least(period_end, cast($end as date))
        )
        / date_diff('day', period_start, period_end)
    ), 2)::decimal(18, 2) as plan,
    count(*) as goals
from scope_goals
where kind_rank = 1
