-- Removes the opportunities batch $batch_id created (undo); the rows are listed in import_changes.
delete from opportunities
where opportunity_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'opportunity' and action = 'created'
)
