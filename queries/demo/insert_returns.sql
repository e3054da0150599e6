-- Demo returns: about 3% of delivered demo orders come back within 30 days, in full or
-- in part.
insert into returns by name
with candidates as (
    select
        orders.order_id,
        orders.ship_date,
        order_lines.order_line_id,
        order_lines.sales_amount,
        demo_uniform(orders.order_id, 70, $seed) as u_return,
        demo_uniform(orders.order_id, 71, $seed) as u_share,
        demo_uniform(orders.order_id, 72, $seed) as u_day
    from orders
    inner join order_lines on order_lines.order_id = orders.order_id
    where orders.source_system = 'demo' and orders.delivery_status <> 'pending'
)

select
    order_id,
    order_line_id,
    ship_date + 1 + floor(u_day * 29)::integer as returned_date,
    case when u_share < 0.6 then sales_amount else round(sales_amount * 0.5, 2) end as return_amount,
    list_element(['Damaged in transit', 'Wrong item', 'No longer needed', 'Quality issue'],
                 floor(u_day * 4)::integer + 1) as reason
from candidates
where u_return < 0.03 and ship_date + 1 + floor(u_day * 29)::integer <= cast($as_of as date)
