-- Rebuilds deal_win_cycles from deal_stage_stays for every deal ($full_rebuild) or the deals
-- in history_refresh_deals: one row per stay of a won deal in an open stage, with the whole
-- days from entering the stage to the win and the deal's scope fields, in closing order.
insert into deal_win_cycles
select
    opportunity_id,
    stage_id,
    owner_rep_id,
    territory_id,
    product_id,
    closed_at,
    floor(epoch(closed_at - entered_at) / 86400.0)::integer as whole_days
from deal_stage_stays
where is_won
    and closed_at is not null
    and ($full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals))
order by closed_at, opportunity_id
