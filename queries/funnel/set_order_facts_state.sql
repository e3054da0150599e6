-- Records what order_facts was built from (one row, replaced).
insert or replace into order_facts_state (
    state_key, orders_seen, last_order_id, order_lines_seen, last_order_line_id, returns_seen,
    last_return_id
)
values (
    'order_facts', $orders_seen, $last_order_id, $order_lines_seen, $last_order_line_id,
    $returns_seen, $last_return_id
)
