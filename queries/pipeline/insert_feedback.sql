-- Records one customer response on deal $opportunity_id (account $account_id, owner rep
-- $rep_id): $score from 1 to 5 and $comment, received at $received_at, entered by
-- $created_by. Returns the new feedback_id.
insert into customer_feedback (
    opportunity_id, account_id, rep_id, score, comment, received_at, created_by
)
values ($opportunity_id, $account_id, $rep_id, $score, $comment, $received_at, $created_by)
returning feedback_id
