-- Counts the won and lost deals of deal_facts (already rebuilt) per closing month, rep, final
-- stage, furthest stage and cycle days into closing_days: every cell ($full_rebuild), or the
-- cells of one closing month, $month, for the reps in $rep_ids (an incremental refresh, after
-- delete_closing_days removed them: that month's rows only, deal_facts being kept in closing
-- order).
insert into closing_days
select
    date_trunc('month', facts.closed_at)::date as closed_month,
    facts.owner_rep_id,
    facts.stage_id,
    facts.furthest_stage_order,
    case
        when stages.is_won then date_diff('day', facts.created_at::date, facts.closed_at::date)
    end as cycle_days,
    count(*) as deals,
    sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where facts.closed_at is not null
    and (stages.is_won or stages.is_lost)
    and (
        $full_rebuild
        or (
            facts.closed_at >= $month::timestamp
            and facts.closed_at < $month::timestamp + interval 1 month
            and facts.owner_rep_id = any($rep_ids)
        )
    )
group by all
order by closed_month, facts.owner_rep_id, facts.stage_id, facts.furthest_stage_order, cycle_days
