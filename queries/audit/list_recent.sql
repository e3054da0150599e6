-- The newest audit records (up to $limit), one row each, with the actor's email.
select audit_log.occurred_at, users.email, audit_log.action, audit_log.entity, audit_log.entity_id, audit_log.detail
from audit_log
left join users on users.user_id = audit_log.user_id
order by audit_log.audit_id desc
limit $limit
