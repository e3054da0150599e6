-- Records one record batch $batch_id created or updated: $entity $entity_id, $action, from
-- file row $row_number.
insert into import_changes (batch_id, entity, entity_id, action, row_number)
values ($batch_id, $entity, $entity_id, $action, $row_number)
