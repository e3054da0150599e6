-- Every account, one row per account, with the fields an import may compare or update.
select
    account_id,
    account_name,
    industry,
    employee_count,
    owner_rep_id,
    credit_limit,
    billing_country,
    billing_state,
    source_system,
    external_id
from accounts
order by account_id
