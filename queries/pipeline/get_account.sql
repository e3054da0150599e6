-- One account (or none) by $account_id: its name, territory and owner rep.
select account_id, account_name, territory_id, owner_rep_id
from accounts
where account_id = $account_id
