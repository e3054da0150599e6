-- The accounts named in $account_ids with their territory and owner now and their open
-- deals (id, row version, territory, owner): what applying a reassignment changes.
select
    accounts.account_id,
    accounts.account_name,
    accounts.territory_id,
    accounts.owner_rep_id,
    opportunities.opportunity_id,
    opportunities.row_version,
    opportunities.territory_id as deal_territory_id,
    opportunities.owner_rep_id as deal_owner_rep_id
from accounts
left join opportunities
    on opportunities.account_id = accounts.account_id
    and opportunities.stage_id in (select stage_id from stages where not is_won and not is_lost)
where accounts.account_id in (select unnest($account_ids::integer[]))
order by accounts.account_id, opportunities.opportunity_id
