-- Counts into closing_days the cells of one closing month, $month, for the reps in $rep_ids
-- (an incremental refresh, after delete_closing_days removed them): reads only that month's
-- rows of deal_facts (kept in closing order).
insert into closing_days
select
    $month::date as closed_month,
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
where facts.closed_at >= $month::timestamp
    and facts.closed_at < $month::timestamp + interval 1 month
    and facts.owner_rep_id = any($rep_ids)
    and (stages.is_won or stages.is_lost)
group by all
order by facts.owner_rep_id, facts.stage_id, facts.furthest_stage_order, cycle_days
