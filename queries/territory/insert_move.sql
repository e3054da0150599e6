-- Appends one account move of reassignment $reassignment_id: account $account_id from
-- $from_territory_id / $from_owner_rep_id to $to_territory_id / $to_owner_rep_id, by rule
-- $rule_id (null = a manual move).
insert into account_territory_moves (
    reassignment_id, account_id, from_territory_id, to_territory_id, from_owner_rep_id,
    to_owner_rep_id, rule_id
)
values (
    $reassignment_id, $account_id, $from_territory_id, $to_territory_id, $from_owner_rep_id,
    $to_owner_rep_id, $rule_id
)
