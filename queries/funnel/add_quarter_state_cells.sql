-- Adds to history_refresh_cells the quarter starts whose states an incremental refresh has
-- just written: those of the deals in history_refresh_deals, and $quarter_starts (new to
-- deal_quarter_states, every deal's state written). Their counts are recounted whole.
insert into history_refresh_cells
select distinct 'quarter_state_counts', quarter_start::date, null
from deal_quarter_states
where opportunity_id in (select opportunity_id from history_refresh_deals)
union
select 'quarter_state_counts', unnest($quarter_starts::timestamp[])::date, null
