-- Counts deal_win_cycles (already rebuilt) per closing month, rep, stage and whole days into
-- win_cycle_days: every cell ($full_rebuild), or the cells of one closing month, $month, for
-- the reps in $rep_ids (an incremental refresh, after delete_win_cycle_days removed them:
-- that month's rows only, deal_win_cycles being kept in closing order).
insert into win_cycle_days
select
    date_trunc('month', closed_at)::date as closed_month,
    owner_rep_id,
    stage_id,
    whole_days,
    count(*) as stays
from deal_win_cycles
where $full_rebuild
    or (
        closed_at >= $month::timestamp
        and closed_at < $month::timestamp + interval 1 month
        and owner_rep_id = any($rep_ids)
    )
group by all
order by closed_month, owner_rep_id, stage_id, whole_days
