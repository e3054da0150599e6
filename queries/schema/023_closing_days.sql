-- 023_closing_days: the closed deals counted per month. The Funnel's outcomes (won, lost,
-- bookings, the sales cycle) read every deal closed in the period and in the comparison -
-- 1.6M deals at 10M deals - and the Forecast tab's history (bookings per quarter, the win
-- rates per stage reached) a year of them. closing_days holds per closing month, rep, final
-- stage, furthest stage reached and sales cycle (whole calendar days from creation to the
-- win; null for a lost deal) the deals and their amount: about 30 times fewer rows. A viewer's
-- scope is a set of reps, so closed_deal_counts reads a window's whole months from here and
-- only the partial months (and everything under a territory or product filter, or a slice by
-- a field not kept here) from deal_facts.
--
-- Derived like win_cycle_days (020): dashboard.funnel.refresh_history recounts the (month,
-- rep) cells the refreshed deals' facts were in, before and after, and everything on a full
-- rebuild. Filled here as funnel/count_closing_days fills it: a migration keeps its own copy
-- of the statement, since the query file follows the schema of later migrations.

create table closing_days (
    closed_month date not null,             -- the month the deal closed in
    owner_rep_id integer not null,
    stage_id integer not null,              -- a won or lost stage
    furthest_stage_order integer,
    cycle_days integer,                     -- won: days from creation to the win; lost: null
    deals bigint not null,
    amount decimal(38, 2) not null
);

insert into closing_days
select
    date_trunc('month', facts.closed_at)::date as closed_month,
    facts.owner_rep_id,
    facts.stage_id,
    facts.furthest_stage_order,
    case
        when stages.is_won then date_diff('day', facts.created_at::date, facts.closed_at::date)
    end as cycle_days,
    count(*) as deals,
    sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where facts.closed_at is not null and (stages.is_won or stages.is_lost)
group by all
order by closed_month, facts.owner_rep_id, facts.stage_id, facts.furthest_stage_order, cycle_days;

-- The won and lost deals a viewer may see closed in [from_at, to_at), one row per deal in the
-- shape of closed_deal_counts below (deals = 1).
create macro closed_deal_rows(rep_ids, filter_territory_id, filter_product_id, from_at, to_at)
as table
    select
        date_trunc('month', facts.closed_at)::date as closed_month,
        facts.owner_rep_id,
        facts.territory_id,
        facts.product_id,
        facts.lead_source,
        facts.lead_rating,
        facts.created_at,
        facts.closed_at,
        facts.stage_id,
        facts.furthest_stage_order,
        case
            when stages.is_won
                then date_diff('day', facts.created_at::date, facts.closed_at::date)
        end as cycle_days,
        1 as deals,
        facts.amount_rc as amount
    from analytics_facts(rep_ids, filter_territory_id, filter_product_id) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where (stages.is_won or stages.is_lost)
        and facts.closed_at >= from_at
        and facts.closed_at < to_at;

-- The won and lost deals a viewer may see closed in [from_at, to_at), as counts: one row per
-- group of deals alike in closing month, owner, final stage, furthest stage and cycle days
-- (deals, amount). When `counted` (the caller needs no other field) and no territory or
-- product filter is set, the window's whole months come from closing_days and the rest from
-- deal_facts (closed_deal_rows, each deal with its other fields: territory, product, lead
-- source and rating, created_at, closed_at); else every row is a deal. The two partial ranges
-- are read apart, so each prunes deal_facts (in closing order) to its own row groups.
create macro closed_deal_counts(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at, counted
) as table
    select
        closed_month,
        owner_rep_id,
        null::integer as territory_id,
        null::integer as product_id,
        null::varchar as lead_source,
        null::varchar as lead_rating,
        null::timestamp as created_at,
        null::timestamp as closed_at,
        stage_id,
        furthest_stage_order,
        cycle_days,
        deals,
        amount
    from closing_days
    where (rep_ids is null or owner_rep_id = any(rep_ids))
        and closed_month >= counted_months_from(
            from_at, to_at, counted and filter_territory_id is null and filter_product_id is null
        )::date
        and closed_month < counted_months_to(
            from_at, to_at, counted and filter_territory_id is null and filter_product_id is null
        )::date
    union all
    select *
    from closed_deal_rows(
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
    from closed_deal_rows(
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
