-- Freezes statement lines from the registered table comp_line_rows (one row per line, every
-- column of comp_statement_lines, money as text so no digit is lost on the way).
insert into comp_statement_lines by name
select
    statement_id::integer as statement_id,
    line_no::integer as line_no,
    line_key,
    line_kind,
    description,
    opportunity_id::bigint as opportunity_id,
    order_id::bigint as order_id,
    return_id::bigint as return_id,
    event_date::date as event_date,
    credit_amount::decimal(18, 2) as credit_amount,
    attainment_before::decimal(12, 6) as attainment_before,
    attainment_after::decimal(12, 6) as attainment_after,
    rate_label,
    amount::decimal(18, 2) as amount,
    source_period_start::date as source_period_start,
    source_line_key
from comp_line_rows
