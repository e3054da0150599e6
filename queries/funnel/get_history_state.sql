-- How far the derived history (deal_spans, deal_stage_stays) is folded in: one row (or none
-- before the first refresh) with through_event_id, events_seen, deals_seen, refreshed_at.
select through_event_id, events_seen, deals_seen, refreshed_at
from history_state
where state_key = 'deal_history'
