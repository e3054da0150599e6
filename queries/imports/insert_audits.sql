-- Appends the audit rows in the registered relation import_audit_stage (explicit ids), one row
-- per deal created or updated; occurred_at is the transaction's time, as for single writes.
insert into audit_log (audit_id, user_id, action, entity, entity_id, detail)
select audit_id, user_id, action, entity, entity_id, detail
from import_audit_stage
order by audit_id
