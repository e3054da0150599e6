-- 010_analytics_speed: two more derived tables for the Funnel, Territory and Forecast tabs, so
-- their figures read the rows of a period instead of every deal or every stage stay.
--
-- Like deal_spans and deal_stage_stays (006), both are derived by
-- dashboard.funnel.refresh_history in the same transaction as the rest of the derived history
-- (the deals with new events, or everything), never edited by people, and can be rebuilt at
-- any time. They are filled here from the tables they derive from, so a workspace migrated
-- with a current history needs no rebuild.

-- Each deal's current figures (a narrow copy of opportunities), written in closing order with
-- the open deals (no closed_at) last: "closed in a period" reads the row groups of that period
-- only, and the open deals sit together at the end.
create table deal_facts (
    opportunity_id bigint not null,
    account_id integer,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    stage_id integer not null,
    lead_source varchar,
    lead_rating varchar,
    amount_rc decimal(18, 2) not null,
    probability decimal(5, 2) not null,
    forecast_category varchar not null,
    discount_pct decimal(5, 2) not null,
    expected_close_date date,
    furthest_stage_order integer,
    created_at timestamp not null,
    closed_at timestamp
);

insert into deal_facts
select
    opportunity_id,
    account_id,
    owner_rep_id,
    territory_id,
    product_id,
    stage_id,
    lead_source,
    lead_rating,
    amount_rc,
    probability,
    forecast_category,
    discount_pct,
    expected_close_date,
    furthest_stage_order,
    created_at,
    closed_at
from opportunities
order by closed_at nulls last, opportunity_id;

-- One row per stay of a won deal in an open stage (from deal_stage_stays): the days from
-- entering the stage to the win (and the whole days of them, for win_cycle_medians), with the
-- deal's scope fields, written in closing order, so "days to win from each stage for deals
-- won in a window" reads that window only.
create table deal_win_cycles (
    opportunity_id bigint not null,
    stage_id integer not null,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    closed_at timestamp not null,
    days_to_win double not null,
    whole_days integer not null            -- floor(days_to_win)
);

insert into deal_win_cycles
select
    opportunity_id,
    stage_id,
    owner_rep_id,
    territory_id,
    product_id,
    closed_at,
    epoch(closed_at - entered_at) / 86400.0 as days_to_win,
    floor(epoch(closed_at - entered_at) / 86400.0)::integer as whole_days
from deal_stage_stays
where is_won and closed_at is not null
order by closed_at, opportunity_id;

-- The deals a viewer may see under the page filters (as analytics_deals), from deal_facts.
create macro analytics_facts(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select deal_facts.*
    from deal_facts
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = deal_facts.owner_rep_id
    where (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_facts.territory_id))
        and (filter_product_id is null or deal_facts.product_id = filter_product_id);

-- The same scope and filters over deal_win_cycles.
create macro analytics_win_cycles(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select deal_win_cycles.*
    from deal_win_cycles
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = deal_win_cycles.owner_rep_id
    where (filter_territory_id is null
            or list_contains(
                analytics_territories(filter_territory_id), deal_win_cycles.territory_id
            ))
        and (filter_product_id is null or deal_win_cycles.product_id = filter_product_id);

-- Per open stage, the median days from entering the stage to the win, over the stays in
-- deal_win_cycles of the deals a viewer may see (as analytics_deals) won in
-- [from_at, to_at): exactly median(days_to_win) (quantile_cont: the middle value, or the two
-- middle values lo, hi as lo + (hi - lo) * 0.5), found without holding millions of values:
-- count the stays per whole day, find the day(s) holding the middle rank(s), then order only
-- the stays of those days.
create macro win_cycle_medians(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id, from_at, to_at
) as table
    with cycle_rows as not materialized (
        select stage_id, days_to_win, whole_days
        from analytics_win_cycles(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        )
        where closed_at >= from_at and closed_at < to_at
    ),

    day_counts as (
        select stage_id, whole_days, count(*) as stays
        from cycle_rows
        group by stage_id, whole_days
    ),

    ranked as (
        -- the 0-based rank of each day's first stay, and the ranks of the middle value(s)
        select
            stage_id,
            whole_days,
            stays,
            sum(stays) over (
                partition by stage_id order by whole_days
                rows between unbounded preceding and current row
            ) - stays as first_rank,
            (sum(stays) over (partition by stage_id) - 1) // 2 as low_rank,
            sum(stays) over (partition by stage_id) // 2 as high_rank
        from day_counts
    ),

    middle_days as (
        select stage_id, whole_days, first_rank, low_rank, high_rank
        from ranked
        where (low_rank >= first_rank and low_rank < first_rank + stays)
            or (high_rank >= first_rank and high_rank < first_rank + stays)
    ),

    middle_stays as (
        select
            cycle_rows.stage_id,
            cycle_rows.days_to_win,
            middle_days.low_rank,
            middle_days.high_rank,
            middle_days.first_rank - 1 + row_number() over (
                partition by cycle_rows.stage_id, middle_days.whole_days
                order by cycle_rows.days_to_win
            ) as value_rank
        from cycle_rows
        inner join middle_days
            on middle_days.stage_id = cycle_rows.stage_id
            and middle_days.whole_days = cycle_rows.whole_days
    ),

    middles as (
        select
            stage_id,
            any_value(days_to_win) filter (where value_rank = low_rank) as low_value,
            any_value(days_to_win) filter (where value_rank = high_rank) as high_value
        from middle_stays
        group by stage_id
    )

    select stage_id, low_value + (high_value - low_value) * 0.5 as median_days_to_win
    from middles;
