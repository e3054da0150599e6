-- The $limit largest customers by gross sales of orders dated in [$start, $end) (not
-- cancelled) that the scope sees ($scope_kind, $scope_rep_id, $scope_team_id), one row per
-- customer: rank, customer, gross sales, share of all customers' sales, cumulative share,
-- and on every row the number of customers and the total.
with lines as (
    select scoped.customer_label, order_lines.sales_amount
    from scoped_orders($scope_kind, $scope_rep_id, $scope_team_id) as scoped
    inner join order_lines on order_lines.order_id = scoped.order_id
    where scoped.order_status <> 'cancelled'
        and scoped.order_date >= cast($start as date)
        and scoped.order_date < cast($end as date)
),

per_customer as (
    select customer_label as customer, sum(sales_amount) as gross_sales
    from lines
    group by customer_label
),

ranked as (
    select
        row_number() over (order by gross_sales desc, customer) as customer_rank,
        customer,
        gross_sales,
        sum(gross_sales) over () as total_sales,
        count(*) over () as customer_count
    from per_customer
),

final as (
    select
        customer_rank,
        customer,
        gross_sales,
        gross_sales / nullif(total_sales, 0) as share,
        sum(gross_sales) over (order by customer_rank) / nullif(total_sales, 0) as cumulative_share,
        customer_count,
        total_sales
    from ranked
)

select * from final
where customer_rank <= $limit
order by customer_rank
