-- A temporary table history_refresh_cells: the (closing month, rep) cells of win_cycle_days
-- the stays of the deals in history_refresh_deals count in before they are rebuilt (none on a
-- $full_rebuild, which recounts everything); add_refresh_cells adds the cells after.
create or replace temp table history_refresh_cells as
select distinct date_trunc('month', closed_at)::date as closed_month, owner_rep_id
from deal_win_cycles
where not $full_rebuild
    and opportunity_id in (select opportunity_id from history_refresh_deals)
