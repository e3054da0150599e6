-- Demo order lines: one line per demo order, the deal's product at the won amount.
insert into order_lines by name
select
    orders.order_id as order_line_id,
    orders.order_id,
    opportunities.product_id,
    products.product_name,
    products.product_family as category,
    round(opportunities.amount / nullif(products.list_price * (1 - opportunities.discount_pct / 100), 0))::decimal(18, 4)
        as quantity,
    products.list_price::decimal(18, 4) as unit_price,
    (opportunities.discount_pct / 100)::decimal(7, 4) as discount_pct,
    opportunities.amount::decimal(18, 4) as sales_amount
from orders
inner join opportunities on opportunities.opportunity_id = orders.opportunity_id
inner join products on products.product_id = opportunities.product_id
where orders.source_system = 'demo'
