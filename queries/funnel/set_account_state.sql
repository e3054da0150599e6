-- Records what potential_months was counted with (one row, replaced).
insert or replace into account_state (state_key, accounts_seen, accounts_hash)
values ('potential_months', $accounts_seen, $accounts_hash)
