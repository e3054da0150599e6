-- One row: the highest id the demo wrote explicitly in each table (0 when empty); the demo's
-- sequences are moved past these so later inserts never collide.
select
    coalesce((select max(team_id) from teams), 0) as teams,
    coalesce((select max(territory_id) from territories), 0) as territories,
    coalesce((select max(rep_id) from reps), 0) as reps,
    coalesce((select max(product_id) from products), 0) as products,
    coalesce((select max(segment_id) from segments), 0) as segments,
    coalesce((select max(account_id) from accounts), 0) as accounts,
    coalesce((select max(opportunity_id) from opportunities), 0) as opportunities,
    coalesce((select max(order_id) from orders), 0) as orders,
    coalesce((select max(order_line_id) from order_lines), 0) as order_lines
