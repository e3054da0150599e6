-- Moves pack $pack_id from status $from_status to $to_status and sets its snapshot
-- references ($current_snapshot_id, $approved_snapshot_id, $published_snapshot_id);
-- returns the pack_id, or nothing when the pack was not in $from_status any more.
update report_packs
set
    status = $to_status,
    current_snapshot_id = $current_snapshot_id,
    approved_snapshot_id = $approved_snapshot_id,
    published_snapshot_id = $published_snapshot_id,
    updated_at = current_timestamp
where pack_id = $pack_id and status = $from_status
returning pack_id
