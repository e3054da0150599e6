-- After batch $batch_id was undone: when its file (and sheet) has no claim but another batch of
-- it is still loaded (a duplicate loaded on purpose), the first such batch takes the claim, so
-- a file with loads in place always has exactly one claim. No rows returned.
insert into import_claims (file_sha256, sheet_key, batch_id)
select
    batches.file_sha256,
    coalesce(batches.sheet_name, '') as sheet_key,
    min(batches.batch_id) as batch_id
from import_batches as batches
inner join import_batches as undone
    on undone.file_sha256 = batches.file_sha256
    and coalesce(undone.sheet_name, '') = coalesce(batches.sheet_name, '')
where undone.batch_id = $batch_id
    and batches.status = 'loaded'
    and not exists (
        select 1
        from import_claims as claims
        where claims.file_sha256 = batches.file_sha256
            and claims.sheet_key = coalesce(batches.sheet_name, '')
    )
group by batches.file_sha256, coalesce(batches.sheet_name, '')
