-- Records one activity on deal $opportunity_id (account $account_id, done by rep $rep_id):
-- $activity_type at $occurred_at with $subject and $notes; a follow-up task also has
-- $due_date and starts with $is_done false. $created_by is the user who logged it.
-- Returns the new activity_id.
insert into activities (
    opportunity_id, account_id, rep_id, activity_type, occurred_at, subject, notes, due_date,
    is_done, created_by
)
values (
    $opportunity_id, $account_id, $rep_id, $activity_type, $occurred_at, $subject, $notes,
    $due_date, $is_done, $created_by
)
returning activity_id
