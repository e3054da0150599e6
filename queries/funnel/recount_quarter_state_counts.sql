-- Counts into quarter_state_counts one quarter start, $month, whole (an incremental refresh,
-- after delete_quarter_state_counts removed it): reads only that quarter start's rows of
-- deal_quarter_states (kept in quarter order).
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
where quarter_start = $month::timestamp
group by all
order by owner_rep_id, due_month, forecast_category
