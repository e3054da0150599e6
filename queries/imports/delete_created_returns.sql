-- Removes the returns batch $batch_id created (undo); the rows are listed in import_changes.
delete from returns
where return_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'return' and action = 'created'
)
