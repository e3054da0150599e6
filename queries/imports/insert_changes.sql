-- Records what batch $batch_id did from the registered relation import_changes_stage (entity,
-- entity_id, action, row_number), one row per record created or updated.
insert into import_changes (batch_id, entity, entity_id, action, row_number)
select $batch_id, entity, entity_id, action, row_number
from import_changes_stage
