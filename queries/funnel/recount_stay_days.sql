-- Counts into stay_days the cells of one month, $month, for the reps in $rep_ids (an
-- incremental refresh, after delete_stay_days removed them): reads only the rows of
-- deal_stage_stays that ended that month (kept in left_at order).
insert into stay_days
select
    $month::date as left_month,
    owner_rep_id,
    stage_id,
    (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000 as whole_days,
    count(*) as stays
from deal_stage_stays
where left_at >= $month::timestamp
    and left_at < $month::timestamp + interval 1 month
    and owner_rep_id = any($rep_ids)
group by all
order by owner_rep_id, stage_id, whole_days
