-- The history of deal $opportunity_id, oldest first: one row per change with who made it.
-- With $after_version set, only changes after that row version (what changed meanwhile).
select
    events.event_id,
    events.occurred_at,
    coalesce(users.display_name, case events.origin when 'demo' then 'Demo history' else events.origin end)
        as changed_by,
    events.origin,
    events.batch_id,
    events.event_type,
    events.field_name,
    events.old_value,
    events.new_value,
    stages.stage_name,
    events.amount_rc,
    events.probability,
    events.expected_close_date,
    events.row_version
from opportunity_events as events
left join users on users.user_id = events.actor_user_id
left join stages on stages.stage_id = events.stage_id
where events.opportunity_id = $opportunity_id
    and ($after_version is null or events.row_version > $after_version)
order by events.occurred_at, events.event_id
