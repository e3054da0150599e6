-- Records how far the derived history is folded in: every event up to $through_event_id,
-- $events_seen events and $deals_seen deals at $refreshed_at (one row, replaced).
insert or replace into history_state
    (state_key, through_event_id, events_seen, deals_seen, refreshed_at)
values ('deal_history', $through_event_id, $events_seen, $deals_seen, $refreshed_at)
