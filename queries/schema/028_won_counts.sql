-- 028_won_counts: the won deals counted per month by product, territory and lead source. The
-- Forecast tab's gap explanation splits the period's bookings and the same period a year
-- earlier by product (price, volume, mix), territory and lead source: 370,000 won deals at
-- 10M deals. won_counts holds them per closing month, rep, product, territory and lead source
-- - deals, amount and gross amount before discounts (amount / (1 - discount), summed as the
-- gap explanation sums it). It keeps every field a viewer's scope and filters test, so
-- summarise_gap_dimensions reads it for any scope when both periods are whole months.
--
-- Derived from deal_facts like closing_days (023): dashboard.funnel.refresh_history recounts
-- the (closing month, rep) cells the refreshed deals were won in, before and after, and
-- everything on a full rebuild. Filled here as funnel/count_won_counts fills it: a migration
-- keeps its own copy of the statement.

create table won_counts (
    closed_month date not null,
    owner_rep_id integer not null,
    product_id integer,
    territory_id integer,
    lead_source varchar,
    deals bigint not null,
    amount decimal(38, 2) not null,
    gross_amount double                     -- the sum of amount / (1 - discount / 100)
);

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
where stages.is_won and facts.closed_at is not null
group by all
order by closed_month, facts.owner_rep_id, facts.product_id, facts.territory_id,
    facts.lead_source;

-- The deals a viewer may see won in [from_at, to_at), one row per deal with the fields of
-- won_counts (its gross amount its own).
create macro won_rows(rep_ids, filter_territory_id, filter_product_id, from_at, to_at) as table
    select
        facts.closed_at,
        facts.owner_rep_id,
        facts.product_id,
        facts.territory_id,
        facts.lead_source,
        facts.amount_rc,
        facts.amount_rc / nullif(1 - facts.discount_pct / 100, 0) as gross_amount
    from analytics_facts(rep_ids, filter_territory_id, filter_product_id) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where stages.is_won and facts.closed_at >= from_at and facts.closed_at < to_at;
