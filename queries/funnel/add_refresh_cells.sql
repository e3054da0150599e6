-- Adds to history_refresh_cells the (closing month, rep) cells the rebuilt stays of the deals
-- in history_refresh_deals count in.
insert into history_refresh_cells
select distinct date_trunc('month', closed_at)::date as closed_month, owner_rep_id
from deal_win_cycles
where not $full_rebuild
    and opportunity_id in (select opportunity_id from history_refresh_deals)
