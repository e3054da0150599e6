-- One snapshot (or none) by $snapshot_id: its pack, figures JSON, content hash, data date,
-- and who took it when.
select
    report_pack_snapshots.*,
    users.display_name as taken_by_name
from report_pack_snapshots
left join users on users.user_id = report_pack_snapshots.taken_by
where report_pack_snapshots.snapshot_id = $snapshot_id
