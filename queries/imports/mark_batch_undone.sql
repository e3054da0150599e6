-- Marks batch $batch_id as undone at $undone_at by $undone_by.
update import_batches
set status = 'undone', undone_at = $undone_at, undone_by = $undone_by
where batch_id = $batch_id
