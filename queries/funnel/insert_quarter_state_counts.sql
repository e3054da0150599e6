-- Counts deal_quarter_states (already rebuilt) per quarter start, rep, due month and forecast
-- category into quarter_state_counts: every quarter start (a full rebuild), in order.
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
group by all
order by quarter_start, owner_rep_id, due_month, forecast_category
