-- Counts the open deals of deal_facts (already rebuilt) per due month, rep and forecast
-- category into open_counts: every cell (a full rebuild), in order.
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
order by due_month, facts.owner_rep_id, facts.forecast_category
