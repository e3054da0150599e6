-- 002_deal_history: each event records the deal's row_version after it, so a stale edit can
-- be answered with exactly what changed since the version the editor started from.
alter table opportunity_events add column row_version integer;

-- The furthest open stage (by sort_order) a deal has reached; a won deal has passed them all.
-- Kept by every write, so the funnel is one pass over opportunities instead of the events.
alter table opportunities add column furthest_stage_order integer;
