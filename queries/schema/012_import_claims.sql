-- 012_import_claims: the database itself refuses a second first load of the same file. Two app
-- servers on the shared store can both find no earlier load of a file at the same moment; each
-- load that is not an explicitly allowed duplicate claims the file (and sheet) here first, and
-- the primary key lets only one claim in: the other load is refused as a duplicate and changes
-- nothing. Undo releases the claim (or hands it to a load of the same file still in place).

-- One row per file (and workbook sheet) with a batch loaded: the batch that holds the claim.
create table import_claims (
    file_sha256 varchar not null,        -- as import_batches.file_sha256
    sheet_key varchar not null,          -- the workbook sheet, '' for a CSV file
    batch_id integer not null,           -- the loaded batch holding it (when: its created_at)
    primary key (file_sha256, sheet_key)
);

-- Files loaded before this migration: the first of their batches still loaded holds the claim
-- (one claim per file and sheet, however many duplicate batches were loaded).
insert into import_claims (file_sha256, sheet_key, batch_id)
select
    file_sha256,
    coalesce(sheet_name, '') as sheet_key,
    min(batch_id) as batch_id
from import_batches
where status = 'loaded'
group by file_sha256, coalesce(sheet_name, '');
