-- Counts deal_facts (already rebuilt) per creation month, rep, stage and furthest stage into
-- cohort_counts: every cell ($full_rebuild), or the cells of one creation month, $month, for
-- the reps in $rep_ids (an incremental refresh, after delete_cohort_counts removed them).
insert into cohort_counts
select
    date_trunc('month', created_at)::date as created_month,
    owner_rep_id,
    stage_id,
    furthest_stage_order,
    count(*) as deals,
    sum(amount_rc) as amount
from deal_facts
where $full_rebuild
    or (
        created_at >= $month::timestamp
        and created_at < $month::timestamp + interval 1 month
        and owner_rep_id = any($rep_ids)
    )
group by all
order by created_month, owner_rep_id, stage_id, furthest_stage_order
