-- Appends one audit record: $user_id did $action to $entity $entity_id ($detail).
insert into audit_log (user_id, action, entity, entity_id, detail)
values ($user_id, $action, $entity, $entity_id, $detail)
