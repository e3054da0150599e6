-- A temporary table history_refresh_deals: the deals with events newer than
-- $through_event_id, whose derived history is rebuilt (one row per deal).
create or replace temp table history_refresh_deals as
select distinct opportunity_id
from opportunity_events
where event_id > $through_event_id
