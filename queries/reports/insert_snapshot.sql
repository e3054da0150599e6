-- Stores the frozen figures of pack $pack_id: $figures_json (canonical JSON), its
-- $content_hash, the data date $data_as_of, taken by $taken_by; returns its snapshot_id.
insert into report_pack_snapshots (pack_id, figures_json, content_hash, data_as_of, taken_by)
values ($pack_id, $figures_json, $content_hash, $data_as_of, $taken_by)
returning snapshot_id
