-- Records that the quarter [$quarter_start, $quarter_end) is closed by user $closed_by, with
-- $statement_count frozen statements totalling $total_amount.
insert into comp_period_closes (period_start, period_end, statement_count, total_amount, closed_by)
values ($quarter_start, $quarter_end, $statement_count, $total_amount, $closed_by)
