-- The history of pack $pack_id, one row per event, oldest first: when, who (name and
-- role), action, status change, the snapshot's content hash and the comment.
select
    report_pack_events.event_id,
    report_pack_events.occurred_at,
    coalesce(users.display_name, 'Command line') as actor,
    users.role as actor_role,
    report_pack_events.actor_user_id,
    report_pack_events.action,
    report_pack_events.from_status,
    report_pack_events.to_status,
    report_pack_events.snapshot_id,
    report_pack_snapshots.content_hash,
    report_pack_events.comment
from report_pack_events
left join users on users.user_id = report_pack_events.actor_user_id
left join report_pack_snapshots
    on report_pack_snapshots.snapshot_id = report_pack_events.snapshot_id
where report_pack_events.pack_id = $pack_id
order by report_pack_events.event_id
