-- Accounts in the territory subtree $territory_id (null = all) for choosing what to move: id,
-- name, segment, billing country/state, territory and owner, at most $limit, by name.
select
    accounts.account_id,
    accounts.account_name,
    segments.segment_name,
    accounts.industry,
    accounts.employee_count,
    accounts.billing_country,
    accounts.billing_state,
    territories.territory_name,
    reps.full_name as owner_name
from accounts
left join segments on segments.segment_id = accounts.segment_id
left join territories on territories.territory_id = accounts.territory_id
left join reps on reps.rep_id = accounts.owner_rep_id
where $territory_id is null
    or list_contains(analytics_territories($territory_id), accounts.territory_id)
order by accounts.account_name, accounts.account_id
limit $limit
