-- Every closed compensation period (quarter), oldest first: its dates, how many statements
-- were frozen, their total, who closed it and when.
select
    closes.period_start,
    closes.period_end,
    closes.statement_count,
    closes.total_amount,
    closes.closed_at,
    users.display_name as closed_by_name
from comp_period_closes as closes
left join users on users.user_id = closes.closed_by
order by closes.period_start
