-- Removes the accounts batch $batch_id created (undo); the rows are listed in import_changes.
delete from accounts
where account_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'account' and action = 'created'
)
