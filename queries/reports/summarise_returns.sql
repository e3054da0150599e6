-- One row: returns with a returned date in [$start, $end) of orders the scope sees
-- ($scope_kind, $scope_rep_id, $scope_team_id): return records, orders concerned, amount.
with scoped_returns as (
    select returns.return_id, returns.order_id, returns.return_amount
    from returns
    inner join scoped_orders($scope_kind, $scope_rep_id, $scope_team_id) as scoped
        on scoped.order_id = returns.order_id
    where returns.returned_date >= cast($start as date)
        and returns.returned_date < cast($end as date)
),

final as (
    select
        count(*) as returns,
        count(distinct order_id) as orders_returned,
        coalesce(sum(return_amount), 0) as return_amount
    from scoped_returns
)

select * from final
