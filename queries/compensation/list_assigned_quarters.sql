-- Every quarter (period_start, period_end) that has at least one plan assignment, oldest first.
select distinct period_start, period_end
from comp_assignments
order by period_start
