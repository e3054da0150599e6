-- The order lines already loaded from $source_system, one row per line (orders without lines
-- appear once with null line fields): order keys and fields, line key and values.
select
    orders.order_id,
    orders.external_id as order_external_id,
    orders.order_date,
    orders.ship_date,
    orders.ship_mode,
    orders.customer_name,
    orders.segment_name,
    orders.country,
    orders.state,
    orders.city,
    orders.postal_code,
    orders.region,
    orders.currency_code,
    order_lines.order_line_id,
    order_lines.external_id as line_external_id,
    order_lines.product_name,
    order_lines.category,
    order_lines.quantity,
    order_lines.unit_price,
    order_lines.discount_pct,
    order_lines.sales_amount,
    order_lines.profit
from orders
left join order_lines on order_lines.order_id = orders.order_id
where orders.source_system = $source_system
order by orders.order_id, order_lines.order_line_id
