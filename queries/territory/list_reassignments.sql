-- The history of territory reassignments, newest first, at most $limit account moves: when,
-- by whom, manual or by rule, and each account's from -> to territory and owner.
select
    territory_reassignments.reassignment_id,
    territory_reassignments.applied_at,
    users.display_name as applied_by,
    territory_reassignments.kind,
    territory_reassignments.note,
    moves.account_id,
    accounts.account_name,
    from_territory.territory_name as from_territory,
    to_territory.territory_name as to_territory,
    from_owner.full_name as from_owner,
    to_owner.full_name as to_owner,
    moves.rule_id
from territory_reassignments
inner join account_territory_moves as moves
    on moves.reassignment_id = territory_reassignments.reassignment_id
left join users on users.user_id = territory_reassignments.applied_by
left join accounts on accounts.account_id = moves.account_id
left join territories as from_territory on from_territory.territory_id = moves.from_territory_id
left join territories as to_territory on to_territory.territory_id = moves.to_territory_id
left join reps as from_owner on from_owner.rep_id = moves.from_owner_rep_id
left join reps as to_owner on to_owner.rep_id = moves.to_owner_rep_id
order by territory_reassignments.applied_at desc, territory_reassignments.reassignment_id desc,
    moves.account_id
limit $limit
