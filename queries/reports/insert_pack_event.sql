-- Appends one history row to pack $pack_id: $actor_user_id did $action (status
-- $from_status -> $to_status, about snapshot $snapshot_id) with $comment.
insert into report_pack_events (
    pack_id, actor_user_id, action, from_status, to_status, snapshot_id, comment
)
values ($pack_id, $actor_user_id, $action, $from_status, $to_status, $snapshot_id, $comment)
returning event_id
