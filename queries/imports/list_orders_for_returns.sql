-- Orders a returns file may refer to, one row per order line: the order's external id and
-- source system, dates, the line's id, external id and amount, and whether the order or line
-- already has a return.
select
    orders.order_id,
    orders.external_id as order_external_id,
    orders.source_system,
    orders.order_date,
    orders.ship_date,
    order_lines.order_line_id,
    order_lines.external_id as line_external_id,
    order_lines.sales_amount,
    exists (
        select 1 from returns
        where returns.order_id = orders.order_id and returns.order_line_id is null
    ) as is_order_returned,
    exists (
        select 1 from returns
        where returns.order_line_id = order_lines.order_line_id
    ) as is_line_returned
from orders
left join order_lines on order_lines.order_id = orders.order_id
where orders.external_id is not null
order by orders.order_id, order_lines.order_line_id
