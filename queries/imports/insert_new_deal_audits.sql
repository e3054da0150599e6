-- The audit row of each staged new deal with ids in the registered relation
-- import_new_deal_ids_stage: created by $user_id, from batch $batch_id (the same detail text
-- dashboard.deals writes).
insert into audit_log (audit_id, user_id, action, entity, entity_id, detail)
select
    ids.audit_id,
    $user_id,
    'create',
    'opportunities',
    cast(ids.opportunity_id as varchar),
    '{"origin": "import", "batch_id": ' || coalesce(cast($batch_id as varchar), 'null') || '}'
from import_new_deal_ids_stage as ids
order by ids.audit_id
