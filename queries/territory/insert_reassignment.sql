-- Records an applied reassignment ($kind 'manual' or 'rules', $note, $accounts_moved,
-- $deals_moved, $applied_by, $applied_at); returns its reassignment_id.
insert into territory_reassignments (kind, note, accounts_moved, deals_moved, applied_by, applied_at)
values ($kind, $note, $accounts_moved, $deals_moved, $applied_by, $applied_at)
returning reassignment_id
