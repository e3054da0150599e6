-- Puts account $account_id in territory $to_territory_id with owner $to_owner_rep_id (the
-- history of the move is in account_territory_moves).
update accounts
set territory_id = $to_territory_id, owner_rep_id = $to_owner_rep_id
where account_id = $account_id
