-- 024_cohort_counts: the deals counted per month they were created in. The Funnel's stage
-- funnel of the 'created' cohort read every deal created in the period and in the comparison
-- - 1.6M deals at 10M deals - to count them per furthest stage reached and current stage.
-- cohort_counts holds those counts (and amounts) per creation month and rep: some 20,000
-- rows for 10M deals. created_deal_counts reads a window's whole months from here and the
-- rest (and everything under a territory or product filter, or a slice by a field not kept
-- here) from deal_facts, as closed_deal_counts (023) does for the closed deals.
--
-- Derived like closing_days (023): dashboard.funnel.refresh_history recounts the (month, rep)
-- cells the refreshed deals were in, before and after (a deal's counts move with every stage
-- change), and everything on a full rebuild. Filled here as funnel/count_cohort_counts
-- fills it: a migration keeps its own copy of the statement.

create table cohort_counts (
    created_month date not null,            -- the month the deal was created in
    owner_rep_id integer not null,
    stage_id integer not null,              -- its stage now
    furthest_stage_order integer,
    deals bigint not null,
    amount decimal(38, 2) not null
);

insert into cohort_counts
select
    date_trunc('month', created_at)::date as created_month,
    owner_rep_id,
    stage_id,
    furthest_stage_order,
    count(*) as deals,
    sum(amount_rc) as amount
from deal_facts
group by all
order by created_month, owner_rep_id, stage_id, furthest_stage_order;

-- The deals a viewer may see created in [from_at, to_at), one row per deal in the shape of
-- created_deal_counts below (deals = 1).
create macro created_deal_rows(rep_ids, filter_territory_id, filter_product_id, from_at, to_at)
as table
    select
        date_trunc('month', created_at)::date as created_month,
        owner_rep_id,
        territory_id,
        product_id,
        lead_source,
        lead_rating,
        created_at,
        stage_id,
        furthest_stage_order,
        1 as deals,
        amount_rc as amount
    from analytics_facts(rep_ids, filter_territory_id, filter_product_id)
    where created_at >= from_at and created_at < to_at;

-- The deals a viewer may see created in [from_at, to_at), as counts: one row per group of
-- deals alike in creation month, owner, stage and furthest stage (deals, amount). When
-- `counted` (the caller needs no other field) and no territory or product filter is set, the
-- window's whole months come from cohort_counts and the rest from deal_facts
-- (created_deal_rows, each deal with its territory, product, lead source and rating and
-- created_at); else every row is a deal.
create macro created_deal_counts(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at, counted
) as table
    select
        created_month,
        owner_rep_id,
        null::integer as territory_id,
        null::integer as product_id,
        null::varchar as lead_source,
        null::varchar as lead_rating,
        null::timestamp as created_at,
        stage_id,
        furthest_stage_order,
        deals,
        amount
    from cohort_counts
    where (rep_ids is null or owner_rep_id = any(rep_ids))
        and created_month >= counted_months_from(
            from_at, to_at, counted and filter_territory_id is null and filter_product_id is null
        )::date
        and created_month < counted_months_to(
            from_at, to_at, counted and filter_territory_id is null and filter_product_id is null
        )::date
    union all
    select *
    from created_deal_rows(
        rep_ids, filter_territory_id, filter_product_id,
        from_at,
        least(
            counted_months_from(
                from_at, to_at,
                counted and filter_territory_id is null and filter_product_id is null
            ),
            to_at::timestamp
        )
    )
    union all
    select *
    from created_deal_rows(
        rep_ids, filter_territory_id, filter_product_id,
        greatest(
            counted_months_to(
                from_at, to_at,
                counted and filter_territory_id is null and filter_product_id is null
            ),
            from_at::timestamp
        ),
        to_at
    );
