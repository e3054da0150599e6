-- One row: changes (audit rows so far) and last_audit_id; together they change whenever any
-- process commits a write, since every write appends to audit_log. No parameters.
select
    count(*) as changes,
    coalesce(max(audit_id), 0) as last_audit_id
from audit_log
