-- Counts deal_win_cycles (already rebuilt) per closing month, rep, stage and whole days into
-- win_cycle_days: every cell (a full rebuild), in order.
insert into win_cycle_days
select
    date_trunc('month', closed_at)::date as closed_month,
    owner_rep_id,
    stage_id,
    whole_days,
    count(*) as stays
from deal_win_cycles
group by all
order by closed_month, owner_rep_id, stage_id, whole_days
