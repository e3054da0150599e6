-- Releases the claim on the file (and sheet) of batch $batch_id, whichever batch holds it
-- (undo; pass_claim then hands it to a load of that file still in place). Deleting by the
-- file's key rather than by the holder means two undos of loads of one file at the same moment
-- write the same row, so the shared store refuses one of them instead of leaving a claim held
-- by an undone batch. No rows returned.
delete from import_claims
where exists (
    select 1
    from import_batches as undone
    where undone.batch_id = $batch_id
        and undone.file_sha256 = import_claims.file_sha256
        and coalesce(undone.sheet_name, '') = import_claims.sheet_key
)
