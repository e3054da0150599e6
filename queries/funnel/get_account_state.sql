-- What potential_months was last counted with (as measure_accounts), or no row.
select accounts_seen, accounts_hash
from account_state
where state_key = 'potential_months'
