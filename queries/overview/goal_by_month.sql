-- Goal per calendar month for one scope ($scope_kind_goal, $scope_id_goal; null id = the
-- company) and $metric, over months starting in [$start, $end). A goal set for a longer
-- period is spread over its days; where goals of several period kinds cover a month, the
-- finest kind wins in that month, so nothing is counted twice (goal_shares, 021).
with months as (
    select unnest(generate_series(
        date_trunc('month', cast($start as date)),
        cast($end as date) - interval 1 day,
        interval 1 month
    ))::date as month_start
),

spread as (
    select shares.piece_start as month_start, sum(shares.share) as target
    from goal_shares(
        $scope_kind_goal,
        $metric,
        date_trunc('month', cast($start as date)),
        date_trunc('month', cast($end as date) - interval 1 day) + interval 1 month
    ) as shares
    where shares.scope_id is not distinct from $scope_id_goal
    group by shares.piece_start
)

select
    months.month_start,
    round(spread.target, 2)::decimal(18, 2) as target
from months
left join spread on spread.month_start = months.month_start
order by months.month_start
