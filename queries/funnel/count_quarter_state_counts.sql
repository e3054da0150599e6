-- Counts deal_quarter_states (already rebuilt) per quarter start, rep, due month and forecast
-- category into quarter_state_counts: every quarter start ($full_rebuild), or one quarter
-- start, $month, whole (an incremental refresh, after delete_quarter_state_counts removed
-- it: that quarter start's rows only, deal_quarter_states being kept in quarter order).
insert into quarter_state_counts
select
    quarter_start,
    owner_rep_id,
    date_trunc('month', expected_close_date)::date as due_month,
    forecast_category,
    count(*) as deals,
    sum(amount_rc) as amount,
    sum(amount_rc * probability / 100) as weighted_amount
from deal_quarter_states
where $full_rebuild or quarter_start = $month::timestamp
group by all
order by quarter_start, owner_rep_id, due_month, forecast_category
