-- 026_quarter_state_counts: the deals' states at each quarter start, counted. The Forecast
-- tab's accuracy table takes the forecast as it stood at five quarter starts: each read the
-- 340,000 open deals of its quarter start in deal_quarter_states (019) at 10M deals.
-- quarter_state_counts holds them per quarter start, rep, month the deal was expected to
-- close in and forecast category - deals, amount and weighted amount (amount x probability,
-- summed as the snapshot sums it): about 900 rows a quarter. summarise_snapshot reads it for
-- a due range of whole months without a territory or product filter.
--
-- Derived from deal_quarter_states: dashboard.funnel.refresh_history recounts every quarter
-- start whose states it rewrote (the refreshed deals' quarters, before and after, and a
-- quarter start new to the table), and everything on a full rebuild. Filled here as
-- funnel/count_quarter_state_counts fills it: a migration keeps its own copy of the
-- statement.

create table quarter_state_counts (
    quarter_start timestamp not null,
    owner_rep_id integer,
    due_month date,                         -- the month of the expected close date
    forecast_category varchar,
    deals bigint not null,
    amount decimal(38, 2),
    weighted_amount double                  -- the sum of amount x probability / 100
);

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
order by quarter_start, owner_rep_id, due_month, forecast_category;
