-- One report pack (or none) by $pack_id, with the scope team's name, the creator's name and
-- the content hash of its current, approved and published snapshots.
select
    report_packs.*,
    teams.team_name as scope_team_name,
    creators.display_name as created_by_name,
    current_snapshot.content_hash as current_hash,
    approved_snapshot.content_hash as approved_hash,
    published_snapshot.content_hash as published_hash
from report_packs
left join teams on teams.team_id = report_packs.scope_team_id
left join users as creators on creators.user_id = report_packs.created_by
left join report_pack_snapshots as current_snapshot
    on current_snapshot.snapshot_id = report_packs.current_snapshot_id
left join report_pack_snapshots as approved_snapshot
    on approved_snapshot.snapshot_id = report_packs.approved_snapshot_id
left join report_pack_snapshots as published_snapshot
    on published_snapshot.snapshot_id = report_packs.published_snapshot_id
where report_packs.pack_id = $pack_id
