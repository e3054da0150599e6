-- Counts deal_facts (already rebuilt) per creation month, rep, stage and furthest stage into
-- cohort_counts: every cell (a full rebuild), in order.
insert into cohort_counts
select
    date_trunc('month', created_at)::date as created_month,
    owner_rep_id,
    stage_id,
    furthest_stage_order,
    count(*) as deals,
    sum(amount_rc) as amount
from deal_facts
group by all
order by created_month, owner_rep_id, stage_id, furthest_stage_order
