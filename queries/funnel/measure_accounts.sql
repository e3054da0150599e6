-- What potential_months depends on in accounts, one row: their count, and the bit_xor of a
-- hash of each one's id, territory and owner (any move changes it; order does not).
select
    count(*) as accounts_seen,
    coalesce(bit_xor((hash(account_id, territory_id, owner_rep_id) >> 1)::bigint), 0) as accounts_hash
from accounts
