-- What order_facts was last built from (as measure_order_sources), or no row.
select
    orders_seen,
    last_order_id,
    order_lines_seen,
    last_order_line_id,
    returns_seen,
    last_return_id
from order_facts_state
where state_key = 'order_facts'
