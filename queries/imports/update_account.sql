-- Writes the imported fields of account $account_id: $account_name, $industry,
-- $employee_count, $owner_rep_id, $credit_limit, $billing_country, $billing_state,
-- $external_id.
update accounts
set
    account_name = $account_name,
    industry = $industry,
    employee_count = $employee_count,
    owner_rep_id = $owner_rep_id,
    credit_limit = $credit_limit,
    billing_country = $billing_country,
    billing_state = $billing_state,
    external_id = $external_id
where account_id = $account_id
