-- Revenue per calendar month of [$start, $end), one row per month (months without orders
-- included): gross sales of orders dated in the month (not cancelled), returns dated in
-- the month, net revenue. Orders and returns the scope sees ($scope_kind, $scope_rep_id,
-- $scope_team_id).
with months as (
    select unnest(generate_series(
        date_trunc('month', cast($start as date)),
        cast($end as date) - interval 1 day,
        interval 1 month
    ))::date as month_start
),

scoped as (
    select order_id, order_date, order_status
    from scoped_orders($scope_kind, $scope_rep_id, $scope_team_id)
),

sales as (
    select date_trunc('month', scoped.order_date)::date as month_start, sum(order_lines.sales_amount) as gross_sales
    from scoped
    inner join order_lines on order_lines.order_id = scoped.order_id
    where scoped.order_status <> 'cancelled'
        and scoped.order_date >= cast($start as date)
        and scoped.order_date < cast($end as date)
    group by month_start
),

returned as (
    select date_trunc('month', returns.returned_date)::date as month_start, sum(returns.return_amount) as return_amount
    from returns
    inner join scoped on scoped.order_id = returns.order_id
    where returns.returned_date >= cast($start as date)
        and returns.returned_date < cast($end as date)
    group by month_start
),

final as (
    select
        months.month_start,
        coalesce(sales.gross_sales, 0) as gross_sales,
        coalesce(returned.return_amount, 0) as return_amount,
        coalesce(sales.gross_sales, 0) - coalesce(returned.return_amount, 0) as net_revenue
    from months
    left join sales on sales.month_start = months.month_start
    left join returned on returned.month_start = months.month_start
)

select * from final
order by month_start
