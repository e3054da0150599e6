-- Orders of the viewer's deals (scope and filters as analytics_deals, over deal_facts) dated in
-- [$start, $end), per product: orders, delivered late / on time / pending, order value, and
-- the returns booked against those orders (count and amount).
with orders_in as (
    select
        orders.order_id,
        orders.delivery_status,
        deals.product_id
    from orders
    inner join analytics_facts(
        $rep_ids, $territory_id, $product_id
    ) as deals on deals.opportunity_id = orders.opportunity_id
    where orders.order_date >= cast($start as date) and orders.order_date < cast($end as date)
        and orders.order_status <> 'cancelled'
),

line_values as (
    select order_lines.order_id, sum(order_lines.sales_amount) as order_value
    from order_lines
    where order_lines.order_id in (select order_id from orders_in)
    group by order_lines.order_id
),

returned as (
    select returns.order_id, count(*) as returns, sum(returns.return_amount) as return_amount
    from returns
    where returns.order_id in (select order_id from orders_in)
    group by returns.order_id
)

select
    coalesce(products.product_name, '(none)') as product_name,
    count(*) as orders,
    count(*) filter (where orders_in.delivery_status = 'late') as late,
    count(*) filter (where orders_in.delivery_status = 'on_time') as on_time,
    count(*) filter (where orders_in.delivery_status = 'pending') as pending,
    coalesce(sum(line_values.order_value), 0)::decimal(18, 2) as order_value,
    coalesce(sum(returned.returns), 0)::bigint as returns,
    coalesce(sum(returned.return_amount), 0)::decimal(18, 2) as return_amount
from orders_in
left join line_values on line_values.order_id = orders_in.order_id
left join returned on returned.order_id = orders_in.order_id
left join products on products.product_id = orders_in.product_id
group by all
order by return_amount desc, product_name
