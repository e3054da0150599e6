-- Rebuilds order_facts from the orders, their lines and returns and deal_facts (already
-- rebuilt) for every order ($full_rebuild) or the orders of the deals in history_refresh_deals,
-- in order-date order.
insert into order_facts
with chosen as (
    select order_id, order_date, order_status, delivery_status, opportunity_id
    from orders
    where $full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals)
),

line_values as (
    select order_id, sum(sales_amount) as order_value
    from order_lines
    where $full_rebuild or order_id in (select order_id from chosen)
    group by order_id
),

returned as (
    select order_id, count(*) as returns, sum(return_amount) as return_amount
    from returns
    where $full_rebuild or order_id in (select order_id from chosen)
    group by order_id
)

select
    chosen.order_id,
    chosen.order_date,
    chosen.order_status,
    chosen.delivery_status,
    chosen.opportunity_id,
    deal_facts.owner_rep_id,
    deal_facts.territory_id,
    deal_facts.product_id,
    line_values.order_value,
    coalesce(returned.returns, 0) as returns,
    returned.return_amount
from chosen
inner join deal_facts on deal_facts.opportunity_id = chosen.opportunity_id
left join line_values on line_values.order_id = chosen.order_id
left join returned on returned.order_id = chosen.order_id
order by chosen.order_date, chosen.order_id
