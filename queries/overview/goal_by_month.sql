-- Goal per calendar month for one scope ($scope_kind_goal, $scope_id_goal; null id = the
-- company) and $metric, over months starting in [$start, $end). A goal set for a longer
-- period is spread over its days. Where goals of several period kinds exist, the finest
-- kind wins, so nothing is counted twice.
with months as (
    select unnest(generate_series(
        date_trunc('month', cast($start as date)),
        cast($end as date) - interval 1 day,
        interval 1 month
    ))::date as month_start
),

scope_goals as (
    select
        period_start,
        period_end,
        target,
        period_kind,
        dense_rank() over (
            order by case period_kind when 'month' then 1 when 'quarter' then 2 else 3 end
        ) as kind_rank
    from goals
    where scope_kind = $scope_kind_goal
        and scope_id is not distinct from $scope_id_goal
        and metric = $metric
),

spread as (
    select
        months.month_start,
        sum(
            scope_goals.target
            * date_diff(
                'day',
                greatest(months.month_start, scope_goals.period_start),
                least((months.month_start + interval 1 month)::date, scope_goals.period_end)
            )
            / date_diff('day', scope_goals.period_start, scope_goals.period_end)
        ) as target
    from months
    inner join scope_goals
        on scope_goals.kind_rank = 1
        and scope_goals.period_start < (months.month_start + interval 1 month)::date
        and scope_goals.period_end > months.month_start
    group by months.month_start
)

select
    months.month_start,
    round(spread.target, 2)::decimal(18, 2) as target
from months
left join spread on spread.month_start = months.month_start
order by months.month_start
