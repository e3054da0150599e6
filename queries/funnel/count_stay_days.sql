-- Counts the completed stays of deal_stage_stays (already rebuilt) per month they ended in,
-- rep, stage and whole days into stay_days: every cell ($full_rebuild), or the cells of one
-- month, $month, for the reps in $rep_ids (an incremental refresh, after delete_stay_days
-- removed them: that month's rows only, deal_stage_stays being kept in left_at order).
insert into stay_days
select
    date_trunc('month', left_at)::date as left_month,
    owner_rep_id,
    stage_id,
    (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000 as whole_days,
    count(*) as stays
from deal_stage_stays
where left_at < 'infinity'::timestamp
    and (
        $full_rebuild
        or (
            left_at >= $month::timestamp
            and left_at < $month::timestamp + interval 1 month
            and owner_rep_id = any($rep_ids)
        )
    )
group by all
order by left_month, owner_rep_id, stage_id, whole_days
