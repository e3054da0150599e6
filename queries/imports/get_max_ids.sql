-- One row: the highest id in use in each table whose ids an import draws from a sequence,
-- named after the sequence (null when the table is empty). A sequence behind its table
-- (ids written explicitly elsewhere) is moved past these before ids are drawn.
select
    (select max(opportunity_id) from opportunities) as seq_opportunities,
    (select max(event_id) from opportunity_events) as seq_opportunity_events,
    (select max(audit_id) from audit_log) as seq_audit_log,
    (select max(account_id) from accounts) as seq_accounts,
    (select max(order_id) from orders) as seq_orders,
    (select max(order_line_id) from order_lines) as seq_order_lines,
    (select max(return_id) from returns) as seq_returns
