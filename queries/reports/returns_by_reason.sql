-- Returns with a returned date in [$start, $end) per reason (one row each, largest amount
-- first; no reason recorded shows as '(no reason given)'), for orders the scope sees
-- ($scope_kind, $scope_rep_id, $scope_team_id): return records and amount.
with scoped_returns as (
    select coalesce(returns.reason, '(no reason given)') as reason, returns.return_amount
    from returns
    inner join scoped_orders($scope_kind, $scope_rep_id, $scope_team_id) as scoped
        on scoped.order_id = returns.order_id
    where returns.returned_date >= cast($start as date)
        and returns.returned_date < cast($end as date)
),

final as (
    select reason, count(*) as returns, sum(return_amount) as return_amount
    from scoped_returns
    group by reason
)

select * from final
order by return_amount desc, reason
