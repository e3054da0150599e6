-- Freezes statements from the registered table comp_statement_rows (one row per rep and
-- quarter, every column of comp_statements but the id and closed_at, money as text so no
-- digit is lost); returns each new statement_id with its rep_id.
insert into comp_statements (
    rep_id, period_start, period_end, plan_id, plan_version, measure, quota, target_incentive,
    credited_amount, attainment, tier_label, is_capped, base_salary, commission, spiffs,
    clawbacks, adjustments, draw_advance, draw_recovery, total_amount, draw_balance_after,
    content_hash, closed_by
)
select
    rep_id::integer,
    period_start::date,
    period_end::date,
    plan_id::integer,
    plan_version::integer,
    measure,
    quota::decimal(18, 2),
    target_incentive::decimal(18, 2),
    credited_amount::decimal(18, 2),
    attainment::decimal(12, 6),
    tier_label,
    is_capped::boolean,
    base_salary::decimal(18, 2),
    commission::decimal(18, 2),
    spiffs::decimal(18, 2),
    clawbacks::decimal(18, 2),
    adjustments::decimal(18, 2),
    draw_advance::decimal(18, 2),
    draw_recovery::decimal(18, 2),
    total_amount::decimal(18, 2),
    draw_balance_after::decimal(18, 2),
    content_hash,
    closed_by::integer
from comp_statement_rows
returning statement_id, rep_id
