-- Removes the teams batch $batch_id created (undo); the rows are listed in import_changes.
delete from teams
where team_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'team' and action = 'created'
)
