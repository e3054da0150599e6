-- What order_facts is built from, one row: the rows and highest ids of orders, order_lines and
-- returns now (compared with order_facts_state; cheap at any size).
select
    (select count(*) from orders) as orders_seen,
    (select coalesce(max(order_id), 0) from orders) as last_order_id,
    (select count(*) from order_lines) as order_lines_seen,
    (select coalesce(max(order_line_id), 0) from order_lines) as last_order_line_id,
    (select count(*) from returns) as returns_seen,
    (select coalesce(max(return_id), 0) from returns) as last_return_id
