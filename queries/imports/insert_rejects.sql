-- Stores the rejected rows of batch $batch_id from the registered relation import_rejects_stage
-- (row_number, raw_row JSON, reason), one row per rejected row.
insert into import_rejects (batch_id, row_number, raw_row, reason)
select $batch_id, row_number, raw_row, reason
from import_rejects_stage
order by row_number
