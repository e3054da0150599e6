-- Creates the returns staged in the registered relation import_returns_stage (explicit ids),
-- one row per return.
insert into returns (return_id, order_id, order_line_id, returned_date, return_amount, reason)
select return_id, order_id, order_line_id, returned_date, return_amount, reason
from import_returns_stage
order by return_id
