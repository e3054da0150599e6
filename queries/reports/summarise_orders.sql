-- One row: the orders (not cancelled) with an order date in [$start, $end) that the scope
-- sees ($scope_kind, $scope_rep_id, $scope_team_id): orders, order lines, quantity, gross
-- sales, profit (null when no line records one) and distinct customers.
with lines as (
    select
        scoped.order_id,
        scoped.customer_label,
        order_lines.quantity,
        order_lines.sales_amount,
        order_lines.profit
    from scoped_orders($scope_kind, $scope_rep_id, $scope_team_id) as scoped
    inner join order_lines on order_lines.order_id = scoped.order_id
    where scoped.order_status <> 'cancelled'
        and scoped.order_date >= cast($start as date)
        and scoped.order_date < cast($end as date)
),

final as (
    select
        count(distinct order_id) as orders,
        count(*) as order_lines,
        coalesce(sum(quantity), 0) as quantity,
        coalesce(sum(sales_amount), 0) as gross_sales,
        sum(profit) as profit,
        count(distinct customer_label) as customers
    from lines
)

select * from final
