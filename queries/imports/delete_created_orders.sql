-- Removes the orders batch $batch_id created (undo); the rows are listed in import_changes.
delete from orders
where order_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'order' and action = 'created'
)
