-- Loaded (not undone) batches of the same file: one row per batch with the same
-- $file_sha256 and sheet ($sheet_name, null for CSV), newest first.
select batch_id, file_name, sheet_name, created_at, inserted, updated
from import_batches
where file_sha256 = $file_sha256
    and coalesce(sheet_name, '') = coalesce($sheet_name, '')
    and status = 'loaded'
order by batch_id desc
