-- Creates the orders staged in the registered relation import_orders_stage (explicit ids), one
-- row per order.
insert into orders (
    order_id, order_date, ship_date, ship_mode, order_status, delivery_status, currency_code,
    customer_name, segment_name, country, state, city, postal_code, region, source_system,
    external_id
)
select
    order_id, order_date, ship_date, ship_mode, 'booked', 'not_applicable', currency_code,
    customer_name, segment_name, country, state, city, postal_code, region, source_system,
    external_id
from import_orders_stage
order by order_id
