-- Counts the won deals of deal_facts (already rebuilt) per closing month, rep, product,
-- territory and lead source into won_counts: every cell ($full_rebuild), or the cells of one
-- closing month, $month, for the reps in $rep_ids (an incremental refresh, after
-- delete_won_counts removed them: that month's rows only, deal_facts being kept in closing
-- order).
insert into won_counts
select
    date_trunc('month', facts.closed_at)::date as closed_month,
    facts.owner_rep_id,
    facts.product_id,
    facts.territory_id,
    facts.lead_source,
    count(*) as deals,
    sum(facts.amount_rc) as amount,
    sum(facts.amount_rc / nullif(1 - facts.discount_pct / 100, 0)) as gross_amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where stages.is_won
    and facts.closed_at is not null
    and (
        $full_rebuild
        or (
            facts.closed_at >= $month::timestamp
            and facts.closed_at < $month::timestamp + interval 1 month
            and facts.owner_rep_id = any($rep_ids)
        )
    )
group by all
order by closed_month, facts.owner_rep_id, facts.product_id, facts.territory_id,
    facts.lead_source
