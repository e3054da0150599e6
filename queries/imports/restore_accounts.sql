-- Puts every account batch $batch_id updated back as it was before (from its snapshot).
update accounts
set
    account_name = snapshots.account_name,
    industry = snapshots.industry,
    segment_id = snapshots.segment_id,
    employee_count = snapshots.employee_count,
    territory_id = snapshots.territory_id,
    owner_rep_id = snapshots.owner_rep_id,
    credit_limit = snapshots.credit_limit,
    billing_country = snapshots.billing_country,
    billing_state = snapshots.billing_state,
    source_system = snapshots.source_system,
    external_id = snapshots.external_id,
    created_at = snapshots.created_at
from import_account_snapshots as snapshots
where snapshots.batch_id = $batch_id
    and snapshots.account_id = accounts.account_id
