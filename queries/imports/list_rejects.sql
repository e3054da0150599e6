-- The rejected rows of batch $batch_id, one row per rejected file row in file order: the row
-- number, why, and the row as read (JSON).
select row_number, reason, raw_row
from import_rejects
where batch_id = $batch_id
order by row_number
