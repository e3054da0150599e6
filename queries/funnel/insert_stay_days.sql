-- Counts the completed stays of deal_stage_stays (already rebuilt) per month they ended in,
-- rep, stage and whole days into stay_days: every cell (a full rebuild), in order.
insert into stay_days
select
    date_trunc('month', left_at)::date as left_month,
    owner_rep_id,
    stage_id,
    (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000 as whole_days,
    count(*) as stays
from deal_stage_stays
where left_at < 'infinity'::timestamp
group by all
order by left_month, owner_rep_id, stage_id, whole_days
