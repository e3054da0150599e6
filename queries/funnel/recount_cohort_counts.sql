-- Counts into cohort_counts the cells of one creation month, $month, for the reps in $rep_ids
-- (an incremental refresh, after delete_cohort_counts removed them).
insert into cohort_counts
select
    $month::date as created_month,
    owner_rep_id,
    stage_id,
    furthest_stage_order,
    count(*) as deals,
    sum(amount_rc) as amount
from deal_facts
where created_at >= $month::timestamp
    and created_at < $month::timestamp + interval 1 month
    and owner_rep_id = any($rep_ids)
group by all
order by owner_rep_id, stage_id, furthest_stage_order
