-- 019_quarter_states: each deal's state at the start of every quarter of the history. The
-- Forecast tab's accuracy table rebuilds "the forecast as it stood on the quarter's first
-- day" for the last five quarters; each read the spans covering that instant from deal_spans
-- (at 10M deals about 25 ms a quarter, most of load_history). deal_quarter_states keeps the
-- open span covering each quarter start q (valid_from < q <= valid_to) - for every q after
-- the first event's quarter up to the latest event - in quarter order, so a quarter reads its
-- own row groups only (about 370k rows).
--
-- Derived like deal_spans: dashboard.funnel.refresh_history rewrites the rows of the deals it
-- refreshes (every quarter) and adds every deal's rows for a quarter start the history has
-- newly reached; a quarter start it does not hold is read from deal_spans instead. It starts
-- empty here (the reads fall back to deal_spans) and fills at the next refresh that folds in
-- an event, or at a full rebuild.

create table deal_quarter_states (
    quarter_start timestamp not null,
    opportunity_id bigint not null,
    stage_id integer,
    amount_rc decimal(18, 2),
    probability decimal(5, 2),
    expected_close_date date,
    forecast_category varchar,
    owner_rep_id integer,
    territory_id integer,
    product_id integer
);

-- The deal_quarter_states rows a viewer may see under the page filters (analytics_in_scope,
-- 015).
create macro analytics_quarter_states(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_quarter_states.*
    from deal_quarter_states
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_quarter_states.owner_rep_id, deal_quarter_states.territory_id,
        deal_quarter_states.product_id
    );
