-- Appends the history rows in the registered relation import_events_stage (explicit ids), one
-- row per change.
insert into opportunity_events (
    event_id, opportunity_id, occurred_at, actor_user_id, origin, batch_id, event_type,
    field_name, old_value, new_value, stage_id, amount_rc, probability, expected_close_date,
    owner_rep_id, forecast_category, row_version
)
select
    event_id, opportunity_id, occurred_at, actor_user_id, origin, batch_id, event_type,
    field_name, old_value, new_value, stage_id, amount_rc, probability, expected_close_date,
    owner_rep_id, forecast_category, row_version
from import_events_stage
order by event_id
