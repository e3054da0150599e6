-- Creates the accounts staged in the registered relation import_accounts_stage (explicit ids
-- from reserve_ids), one row per account, created at $created_at.
insert into accounts (
    account_id, account_name, industry, employee_count, owner_rep_id, credit_limit,
    billing_country, billing_state, source_system, external_id, created_at
)
select
    account_id, account_name, industry, employee_count, owner_rep_id, credit_limit,
    billing_country, billing_state, source_system, external_id, $created_at
from import_accounts_stage
order by account_id
