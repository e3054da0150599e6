-- Counts into win_cycle_days the cells of one closing month, $month, for the reps in $rep_ids
-- (an incremental refresh, after delete_win_cycle_days removed them): reads only that month's
-- rows of deal_win_cycles (kept in closing order).
insert into win_cycle_days
select
    $month::date as closed_month,
    owner_rep_id,
    stage_id,
    whole_days,
    count(*) as stays
from deal_win_cycles
where closed_at >= $month::timestamp
    and closed_at < $month::timestamp + interval 1 month
    and owner_rep_id = any($rep_ids)
group by all
order by owner_rep_id, stage_id, whole_days
