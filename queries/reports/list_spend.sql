-- Every sales & marketing spend entry, one row each, newest month first: month, category,
-- amount, note, who entered it when.
select
    sm_spend.spend_id,
    sm_spend.spend_month,
    sm_spend.category,
    sm_spend.amount,
    sm_spend.note,
    users.display_name as entered_by,
    sm_spend.entered_at
from sm_spend
left join users on users.user_id = sm_spend.entered_by
order by sm_spend.spend_month desc, sm_spend.spend_id desc
