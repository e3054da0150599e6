-- Counts the won deals of deal_facts (already rebuilt) per closing month, their account's
-- territory and owner now and their product into potential_months: every month
-- ($full_rebuild: a full rebuild, or accounts moved), or one closing month, $month, whole (an
-- incremental refresh, after delete_potential_months removed it: that month's rows only,
-- deal_facts being kept in closing order).
insert into potential_months
select
    date_trunc('month', facts.closed_at)::date as closed_month,
    accounts.territory_id,
    accounts.owner_rep_id,
    facts.product_id,
    sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
inner join accounts on accounts.account_id = facts.account_id
where stages.is_won
    and facts.closed_at is not null
    and (
        $full_rebuild
        or (
            facts.closed_at >= $month::timestamp
            and facts.closed_at < $month::timestamp + interval 1 month
        )
    )
group by all
order by closed_month, accounts.territory_id, accounts.owner_rep_id, facts.product_id
