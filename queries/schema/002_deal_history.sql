-- 002_deal_history: each event records the deal's row_version after it, so a stale edit can
-- be answered with exactly what changed since the version the editor started from.
alter table opportunity_events add column row_version integer;
