-- Claims file $file_sha256 (sheet $sheet_name, null for CSV) for batch $batch_id. No rows
-- returned; fails on the primary key when the file is claimed already (a load of it is in
-- place, or another process is loading it at this moment).
insert into import_claims (file_sha256, sheet_key, batch_id)
values ($file_sha256, coalesce($sheet_name, ''), $batch_id)
