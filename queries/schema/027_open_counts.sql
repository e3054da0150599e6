-- 027_open_counts: the open deals counted per month they are expected to close in. The
-- Forecast tab's forecast read every open deal due in the period - 260,000 of the 450,000
-- open deals at 10M deals - for its commit, best-case, pipeline and weighted amounts per rep.
-- open_counts holds the open deals per due month, rep and forecast category - deals, amount
-- and weighted amount (amount x probability / 100, summed as the forecast sums it): a few
-- thousand rows. summarise_forecast reads it for a period of whole months without a territory
-- or product filter.
--
-- Derived from deal_facts like cohort_counts (024): dashboard.funnel.refresh_history recounts
-- the (due month, rep) cells the refreshed deals were open in, before and after, and
-- everything on a full rebuild. Filled here as funnel/count_open_counts fills it: a migration
-- keeps its own copy of the statement.

create table open_counts (
    due_month date,                         -- the month of the expected close date
    owner_rep_id integer not null,
    forecast_category varchar,
    deals bigint not null,
    amount decimal(38, 2) not null,
    weighted_amount double not null         -- the sum of amount x probability / 100
);

insert into open_counts
select
    date_trunc('month', facts.expected_close_date)::date as due_month,
    facts.owner_rep_id,
    facts.forecast_category,
    count(*) as deals,
    sum(facts.amount_rc) as amount,
    sum(facts.amount_rc * facts.probability / 100) as weighted_amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where not stages.is_won and not stages.is_lost
group by all
order by due_month, facts.owner_rep_id, facts.forecast_category;
