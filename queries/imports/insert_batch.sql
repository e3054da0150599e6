-- Starts one import batch (counts filled in by finish_batch); returns its batch_id.
-- $file_name, $sheet_name, $file_sha256, $file_bytes: the file; $source, $source_system,
-- $kind, $profile_name, $mapping: how it was read; $as_of: when the export was taken;
-- $load_path: row or bulk; $created_by, $created_at: who loaded it and when.
insert into import_batches (
    file_name, sheet_name, file_sha256, file_bytes, source, source_system, kind, profile_name,
    mapping, as_of, rows_total, inserted, updated, unchanged, rejected, load_path, created_by,
    created_at, status
)
values (
    $file_name, $sheet_name, $file_sha256, $file_bytes, $source, $source_system, $kind,
    $profile_name, $mapping, $as_of, 0, 0, 0, 0, 0, $load_path, $created_by, $created_at,
    'loaded'
)
returning batch_id
