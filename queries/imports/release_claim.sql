-- Releases the claim batch $batch_id holds on its file (undo). No rows returned.
delete from import_claims
where batch_id = $batch_id
