-- One row (or none): import batch $batch_id with its file, mapping, counts and status.
select *
from import_batches
where batch_id = $batch_id
