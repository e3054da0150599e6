-- Removes the reps batch $batch_id created (undo); the rows are listed in import_changes.
delete from reps
where rep_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'rep' and action = 'created'
)
