-- Counts the open deals of deal_facts (already rebuilt) per due month, rep and forecast
-- category into open_counts: every cell ($full_rebuild), or the cells of one due month,
-- $month, for the reps in $rep_ids (an incremental refresh, after delete_open_counts removed
-- them; a null month: the deals with no expected close date).
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
    and (
        $full_rebuild
        or (
            date_trunc('month', facts.expected_close_date)::date is not distinct from $month::date
            and facts.owner_rep_id = any($rep_ids)
        )
    )
group by all
order by due_month, facts.owner_rep_id, facts.forecast_category
