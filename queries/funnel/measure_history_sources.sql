-- What the derived history is built from, one row: events and deals in the tables now, the
-- newest event id, and how many events are newer than $through_event_id (answered from the
-- row groups' min/max, so it costs next to nothing at any size).
select
    (select count(*) from opportunity_events) as events,
    (select coalesce(max(event_id), 0) from opportunity_events) as last_event_id,
    (select count(*) from opportunities) as deals,
    (select count(*) from opportunity_events where event_id > $through_event_id) as new_events
