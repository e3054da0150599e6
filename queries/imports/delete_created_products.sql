-- Removes the products batch $batch_id created (undo); the rows are listed in import_changes.
delete from products
where product_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'product' and action = 'created'
)
