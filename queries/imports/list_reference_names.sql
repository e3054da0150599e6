-- The display names of everything a deal refers to, one row per record: kind (rep, account,
-- product, territory), its id and name.
select 'rep' as kind, rep_id::bigint as id, full_name as name from reps
union all
select 'account', account_id, account_name from accounts
union all
select 'product', product_id, product_name from products
union all
select 'territory', territory_id, territory_name from territories
