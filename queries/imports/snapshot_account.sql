-- Keeps account $account_id as it stands now, before batch $batch_id changes it. One row.
insert into import_account_snapshots (
    batch_id, account_id, account_name, industry, segment_id, employee_count, territory_id,
    owner_rep_id, credit_limit, billing_country, billing_state, source_system, external_id,
    created_at
)
select
    $batch_id, account_id, account_name, industry, segment_id, employee_count, territory_id,
    owner_rep_id, credit_limit, billing_country, billing_state, source_system, external_id,
    created_at
from accounts
where account_id = $account_id
