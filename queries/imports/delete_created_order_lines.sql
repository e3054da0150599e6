-- Removes the order_lines batch $batch_id created (undo); the rows are listed in import_changes.
delete from order_lines
where order_line_id in (
    select entity_id
    from import_changes
    where batch_id = $batch_id and entity = 'order_line' and action = 'created'
)
