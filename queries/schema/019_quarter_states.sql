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
-- newly reached; a quarter start past the latest event is read from deal_spans instead.

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

insert into deal_quarter_states
with bounds as (
    select min(valid_from) as first_at, max(valid_from) as last_at
    from deal_spans
),

quarters as (
    select unnest(generate_series(
        date_trunc('quarter', first_at) + interval 3 month, last_at, interval 3 month
    ))::timestamp as quarter_start
    from bounds
)

select
    quarters.quarter_start,
    spans.opportunity_id,
    spans.stage_id,
    spans.amount_rc,
    spans.probability,
    spans.expected_close_date,
    spans.forecast_category,
    spans.owner_rep_id,
    spans.territory_id,
    spans.product_id
from quarters
inner join deal_spans as spans
    on spans.valid_from < quarters.quarter_start and spans.valid_to >= quarters.quarter_start
order by quarters.quarter_start, spans.opportunity_id;

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
