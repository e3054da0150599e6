-- Appends one history row for deal $opportunity_id: the change ($event_type, $field_name,
-- $old_value -> $new_value) and the deal's key fields right after it.
insert into opportunity_events (
    opportunity_id, occurred_at, actor_user_id, origin, batch_id, event_type, field_name,
    old_value, new_value, stage_id, amount_rc, probability, expected_close_date, owner_rep_id,
    forecast_category, row_version
)
values (
    $opportunity_id, $occurred_at, $actor_user_id, $origin, $batch_id, $event_type, $field_name,
    $old_value, $new_value, $stage_id, $amount_rc, $probability, $expected_close_date,
    $owner_rep_id, $forecast_category, $row_version
)
