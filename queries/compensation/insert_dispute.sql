-- Records rep $rep_id's dispute of statement line $line_key ($line_description,
-- $line_amount) of the quarter starting $quarter_start (frozen statement $statement_id, null
-- while the period is open) with comment $dispute_comment, raised by user $raised_by.
-- Returns dispute_id.
insert into comp_disputes (
    rep_id, period_start, line_key, line_description, line_amount, statement_id, comment,
    raised_by
)
values (
    $rep_id, $quarter_start, $line_key, $line_description, $line_amount, $statement_id,
    $dispute_comment, $raised_by
)
returning dispute_id
