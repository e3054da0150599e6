-- Goal per calendar month for one scope ($scope_kind_goal, $scope_id_goal; null id = the
-- company) and $metric, over months starting in [$start, $end). A goal set for a longer
-- period is spread over its days. Where goals of several period kinds cover a month, the
-- finest kind wins in that month, so nothing is counted twice (a monthly goal for April does
-- not hide the quarterly goal of Q1).
with months as (
    select unnest(generate_series(
        date_trunc('month', cast($start as date)),
        cast($end as date) - interval 1 day,
        interval 1 month
    ))::date as month_start
),

scope_goals as (
    select period_start, period_end, target, period_kind
    from goals
    where scope_kind = $scope_kind_goal
        and scope_id is not distinct from $scope_id_goal
        and metric = $metric
),

shares as (
    -- each goal's share of each month it covers, and its kind's rank among the month's goals
    select
        months.month_start,
        scope_goals.target
        * date_diff(
            'day',
            greatest(months.month_start, scope_goals.period_start),
            least((months.month_start + interval 1 month)::date, scope_goals.period_end)
        )
        / date_diff('day', scope_goals.period_start, scope_goals.period_end) as share,
        dense_rank() over (
            partition by months.month_start
            order by case scope_goals.period_kind when 'month' then 1 when 'quarter' then 2 else 3 end
        ) as kind_rank
    from months
    inner join scope_goals
        on scope_goals.period_start < (months.month_start + interval 1 month)::date
        and scope_goals.period_end > months.month_start
),

spread as (
    select month_start, sum(share) as target
    from shares
    where kind_rank = 1
    group by month_start
)

select
    months.month_start,
    round(spread.target, 2)::decimal(18, 2) as target
from months
left join spread on spread.month_start = months.month_start
order by months.month_start
