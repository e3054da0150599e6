-- Counts into potential_months one closing month, $month, whole (an incremental refresh,
-- after delete_potential_months removed it): reads only that month's rows of deal_facts
-- (kept in closing order).
insert into potential_months
select
    $month::date as closed_month,
    accounts.territory_id,
    accounts.owner_rep_id,
    facts.product_id,
    sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
inner join accounts on accounts.account_id = facts.account_id
where stages.is_won
    and facts.closed_at >= $month::timestamp
    and facts.closed_at < $month::timestamp + interval 1 month
group by all
order by accounts.territory_id, accounts.owner_rep_id, facts.product_id
