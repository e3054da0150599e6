-- Orders of the viewer's deals (the reps in $rep_ids, null = every rep; filters $territory_id,
-- $product_id, as analytics_deals, over order_facts) dated in [$start, $end), per product:
-- orders, delivered late / on time / pending, order value, and the returns booked against
-- those orders (count and amount).
select
    coalesce(products.product_name, '(none)') as product_name,
    count(*) as orders,
    count(*) filter (where order_facts.delivery_status = 'late') as late,
    count(*) filter (where order_facts.delivery_status = 'on_time') as on_time,
    count(*) filter (where order_facts.delivery_status = 'pending') as pending,
    coalesce(sum(order_facts.order_value), 0)::decimal(18, 2) as order_value,
    coalesce(sum(order_facts.returns), 0)::bigint as returns,
    coalesce(sum(order_facts.return_amount), 0)::decimal(18, 2) as return_amount
from analytics_order_facts($rep_ids, $territory_id, $product_id) as order_facts
left join products on products.product_id = order_facts.product_id
where order_facts.order_date >= cast($start as date) and order_facts.order_date < cast($end as date)
    and order_facts.order_status <> 'cancelled'
group by all
order by return_amount desc, product_name
