-- Import batches, newest first, one row per batch: the file, what it held, its counts, who
-- loaded it and when, and whether it was undone. At most $limit rows.
select
    batches.batch_id,
    batches.created_at,
    batches.file_name,
    batches.sheet_name,
    batches.kind,
    batches.source,
    batches.source_system,
    batches.rows_total,
    batches.inserted,
    batches.updated,
    batches.unchanged,
    batches.rejected,
    batches.status,
    batches.undone_at,
    coalesce(loaders.display_name, 'Command line') as loaded_by,
    undoers.display_name as undone_by,
    batches.as_of,
    batches.load_path,
    batches.profile_name,
    batches.file_sha256
from import_batches as batches
left join users as loaders on loaders.user_id = batches.created_by
left join users as undoers on undoers.user_id = batches.undone_by
order by batches.batch_id desc
limit $limit
