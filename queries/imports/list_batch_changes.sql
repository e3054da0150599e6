-- What batch $batch_id created or updated, one row per kind of record and action, with counts.
select entity, action, count(*) as records
from import_changes
where batch_id = $batch_id
group by entity, action
order by entity, action
