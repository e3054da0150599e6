-- Revenue per value of $revenue_dimension ('region': the order's sales region, 'category':
-- the order line's product category, 'segment': the customer segment on the order), for
-- orders the scope sees ($scope_kind, $scope_rep_id, $scope_team_id), not cancelled: one row
-- per value ('(none)' when missing) with orders, quantity, gross sales and profit of orders
-- dated in [$start, $end), and gross sales of orders dated in [$prior_start, $prior_end)
-- (the comparison period) with the growth between them.
with lines as (
    select
        coalesce(nullif(trim(case $revenue_dimension
            when 'region' then scoped.region
            when 'category' then order_lines.category
            when 'segment' then scoped.segment_name
        end), ''), '(none)') as dimension_value,
        scoped.order_id,
        scoped.order_date,
        order_lines.quantity,
        order_lines.sales_amount,
        order_lines.profit
    from scoped_orders($scope_kind, $scope_rep_id, $scope_team_id) as scoped
    inner join order_lines on order_lines.order_id = scoped.order_id
    where scoped.order_status <> 'cancelled'
        and (
            (scoped.order_date >= cast($start as date) and scoped.order_date < cast($end as date))
            or (
                scoped.order_date >= cast($prior_start as date)
                and scoped.order_date < cast($prior_end as date)
            )
        )
),

flagged as (
    select
        *,
        order_date >= cast($start as date) and order_date < cast($end as date) as is_current
    from lines
),

final as (
    select
        dimension_value,
        count(distinct order_id) filter (where is_current) as orders,
        coalesce(sum(quantity) filter (where is_current), 0) as quantity,
        coalesce(sum(sales_amount) filter (where is_current), 0) as gross_sales,
        sum(profit) filter (where is_current) as profit,
        coalesce(sum(sales_amount) filter (where not is_current), 0) as prior_gross_sales,
        (coalesce(sum(sales_amount) filter (where is_current), 0)
            - sum(sales_amount) filter (where not is_current))
            / nullif(sum(sales_amount) filter (where not is_current), 0) as growth
    from flagged
    group by dimension_value
)

select * from final
order by gross_sales desc, dimension_value
