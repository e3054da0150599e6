-- Creates the order lines staged in the registered relation import_order_lines_stage
-- (explicit ids), one row per line.
insert into order_lines (
    order_line_id, order_id, product_name, category, quantity, unit_price, discount_pct,
    sales_amount, profit, external_id
)
select
    order_line_id, order_id, product_name, category, quantity, unit_price, discount_pct,
    sales_amount, profit, external_id
from import_order_lines_stage
order by order_line_id
