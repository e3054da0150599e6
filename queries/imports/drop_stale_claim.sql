-- Drops the claim on file $file_sha256 (sheet $sheet_name, null for CSV) when the batch holding
-- it was undone (a claim left behind, say by an app server of an older version), so a first
-- load of the file can claim it again. No rows returned.
delete from import_claims
where file_sha256 = $file_sha256
    and sheet_key = coalesce($sheet_name, '')
    and batch_id in (select batch_id from import_batches where status = 'undone')
