-- 006_analytics: what the Funnel, Territory and Forecast tabs need beyond the core schema.
--
-- 1. Deal history in a shape that answers "as of any date" without scanning every event:
--    deal_spans (each deal's state between two consecutive events) and deal_stage_stays
--    (each stay of a deal in an open stage). Both are derived from opportunity_events by
--    dashboard.funnel.refresh_history, never edited by people, and can be rebuilt at any time.
--    history_state says how far they are folded in.
-- 2. Forecast submissions: a manager's call for a period and scope, kept with the system's
--    figures at that moment (a dated snapshot). Append-only.
-- 3. Territory boundaries: assignment rules (versioned, append-only), and reassignments with
--    the account moves they made (append-only history of every account's territory).

create table history_state (
    state_key varchar primary key,
    through_event_id bigint not null,      -- every event up to this id is folded in
    events_seen bigint not null,           -- events in the table when last refreshed
    deals_seen bigint not null,            -- deals in the table when last refreshed
    refreshed_at timestamp not null
);

-- A deal's state in [valid_from, valid_to): the fields the event at valid_from left it with.
-- An open state lasts until the deal's next event ('infinity' for the current one); a closed
-- (won or lost) state is recorded as an instant (valid_to = valid_from), so "open at a date"
-- never reads the millions of closed deals. stage_entered_at is when the deal entered the
-- span's stage (the close time for a won or lost span). The deal's current owner,
-- territory, product, lead source and rating and creation time are copied in so scope and
-- slices need no join; any change of them is an event, which refreshes the deal's rows.
create table deal_spans (
    opportunity_id bigint not null,
    valid_from timestamp not null,
    valid_to timestamp not null,
    stage_id integer not null,
    stage_entered_at timestamp not null,
    amount_rc decimal(18, 2) not null,
    probability decimal(5, 2) not null,
    expected_close_date date,
    forecast_category varchar not null,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    lead_source varchar,
    lead_rating varchar,
    created_at timestamp not null
);

-- One row per stay of a deal in an open stage: entered, left ('infinity' while still there)
-- and the stage it went to next (null while still there). Carries the deal's current scope
-- fields and outcome (closed_at, is_won) for cycle-time statistics.
create table deal_stage_stays (
    opportunity_id bigint not null,
    stage_id integer not null,
    entered_at timestamp not null,
    left_at timestamp not null,
    next_stage_id integer,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    created_at timestamp not null,
    closed_at timestamp,
    is_won boolean not null
);

create sequence seq_forecast_submissions start 1;
create table forecast_submissions (
    submission_id integer primary key default nextval('seq_forecast_submissions'),
    period_start date not null,
    period_end date not null,              -- exclusive
    scope_kind varchar not null check (scope_kind in ('company', 'team', 'rep')),
    scope_id integer,                      -- null for the company
    forecast_amount decimal(18, 2) not null check (forecast_amount >= 0),
    best_case_amount decimal(18, 2) check (best_case_amount >= 0),
    note varchar,
    -- the system's figures for the same period and scope when the call was made
    closed_amount decimal(18, 2) not null,
    commit_amount decimal(18, 2) not null,
    best_case_open_amount decimal(18, 2) not null,
    pipeline_amount decimal(18, 2) not null,
    weighted_amount decimal(18, 2) not null,
    goal_amount decimal(18, 2),
    submitted_by integer,
    submitted_at timestamp not null,
    check (period_end > period_start)
);

-- Assignment rules: accounts matching every given condition belong to territory_id (and,
-- when owner_rep_id is set, to that rep). The lowest priority number wins. A change is a new
-- version of the rule; a retired rule's last version has is_active = false.
create sequence seq_territory_rules start 1;
create table territory_rules (
    rule_id integer not null,
    version integer not null,
    priority integer not null,
    territory_id integer not null,
    owner_rep_id integer,
    match_country varchar,                 -- accounts.billing_country (ISO alpha-2)
    match_state varchar,                   -- accounts.billing_state (e.g. CA)
    match_segment_id integer,
    match_industry varchar,
    min_employees integer,
    max_employees integer,
    is_active boolean not null,
    note varchar,
    created_by integer,
    created_at timestamp not null,
    primary key (rule_id, version)
);

-- One applied reassignment (manual moves or a run of the rules) and what it moved.
create sequence seq_territory_reassignments start 1;
create table territory_reassignments (
    reassignment_id integer primary key default nextval('seq_territory_reassignments'),
    kind varchar not null check (kind in ('manual', 'rules')),
    note varchar,
    accounts_moved integer not null,
    deals_moved integer not null,
    applied_by integer,
    applied_at timestamp not null
);

-- Every account move: from -> to territory and owner, by which rule (null = manual).
create table account_territory_moves (
    reassignment_id integer not null,
    account_id integer not null,
    from_territory_id integer,
    to_territory_id integer not null,
    from_owner_rep_id integer,
    to_owner_rep_id integer,
    rule_id integer,
    primary key (reassignment_id, account_id)
);

-- The reps a viewer may see, narrowed by a team filter (null = no filter). Small: join it.
create macro analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as table
    select rep_id
    from visible_reps(scope_kind, scope_rep_id, scope_team_id)
    where filter_team_id is null
        or rep_id in (select rep_id from visible_reps('team', null, filter_team_id));

-- The territories a filter covers: the subtree of filter_territory_id, as a list (null = all).
create macro analytics_territories(filter_territory_id) as (
    select list(territory_id) from territory_subtree(filter_territory_id)
);

-- The deals a viewer may see under the page filters, without the joins of scoped_deals:
-- a join with the (few) visible reps is far cheaper than an IN test per deal at 10M deals.
create macro analytics_deals(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select opportunities.*
    from opportunities
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = opportunities.owner_rep_id
    where (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), opportunities.territory_id))
        and (filter_product_id is null or opportunities.product_id = filter_product_id);

-- The same scope and filters over deal_spans.
create macro analytics_spans(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select deal_spans.*
    from deal_spans
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = deal_spans.owner_rep_id
    where (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_spans.territory_id))
        and (filter_product_id is null or deal_spans.product_id = filter_product_id);

-- The same scope and filters over deal_stage_stays.
create macro analytics_stays(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select deal_stage_stays.*
    from deal_stage_stays
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = deal_stage_stays.owner_rep_id
    where (filter_territory_id is null
            or list_contains(
                analytics_territories(filter_territory_id), deal_stage_stays.territory_id
            ))
        and (filter_product_id is null or deal_stage_stays.product_id = filter_product_id);

-- The pipeline waterfall between from_at and to_at (state just before each), for deals whose
-- expected close date lies in [window_start, window_end) (null window = every open deal).
-- One row per deal that was in that pipeline at the start, or is in it at the end, or closed
-- inside it in between: how it entered (entry_kind: 'start' | 'new' = created after from_at |
-- 'pulled_in' = existed but outside the window, or closed, at the start) and how it left
-- (exit_kind: 'in' = still in at the end | 'won' | 'lost' | 'out' = pushed out of the window).
-- Per deal entry_amount + change_amount = exit_amount, so the steps reconcile exactly:
-- start + new + pulled in + increased - decreased - pushed out - won - lost = end.
-- A deal pushed out leaves at its start amount (changes outside the window do not count).
-- Reads only open spans covering from_at or to_at and the closings between them.
create macro waterfall_moves(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id, from_at, to_at, window_start, window_end
) as table
    with at_start as (
        select opportunity_id, stage_id, amount_rc, expected_close_date, created_at
        from analytics_spans(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        )
        where valid_from < from_at and valid_to >= from_at
    ),

    open_end as (
        select opportunity_id, stage_id, amount_rc, expected_close_date, created_at
        from analytics_spans(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        )
        where valid_from < to_at and valid_to >= to_at
    ),

    closings as (
        -- closed (won or lost) states entered between from_at and to_at; the latest counts
        select
            spans.opportunity_id,
            arg_max(spans.stage_id, spans.valid_from) as stage_id,
            arg_max(spans.amount_rc, spans.valid_from) as amount_rc,
            arg_max(spans.stage_entered_at, spans.valid_from) as closed_at,
            any_value(spans.created_at) as created_at
        from analytics_spans(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        ) as spans
        where spans.valid_from >= from_at and spans.valid_from < to_at
            and spans.valid_to = spans.valid_from
        group by spans.opportunity_id
    ),

    ends as (
        select
            coalesce(open_end.opportunity_id, closings.opportunity_id) as opportunity_id,
            coalesce(open_end.created_at, closings.created_at) as created_at,
            case
                when open_end.opportunity_id is not null then 'open'
                when closing_stage.is_won then 'won'
                else 'lost'
            end as end_state,
            coalesce(open_end.stage_id, closings.stage_id) as end_stage_id,
            coalesce(open_end.amount_rc, closings.amount_rc) as end_amount,
            coalesce(open_end.expected_close_date, closings.closed_at::date) as end_close_date
        from open_end
        full outer join closings on closings.opportunity_id = open_end.opportunity_id
        left join stages as closing_stage on closing_stage.stage_id = closings.stage_id
        where open_end.opportunity_id is not null or closings.closed_at >= from_at
    ),

    joined as (
        select
            coalesce(ends.opportunity_id, at_start.opportunity_id) as opportunity_id,
            coalesce(ends.created_at, at_start.created_at) as created_at,
            at_start.opportunity_id is not null
                and (window_start is null or (
                    at_start.expected_close_date >= window_start
                    and at_start.expected_close_date < window_end
                )) as was_in,
            at_start.stage_id as start_stage_id,
            at_start.amount_rc as start_amount,
            at_start.expected_close_date as start_expected_close_date,
            ends.end_state,
            ends.end_stage_id,
            ends.end_amount,
            ends.end_close_date,
            ends.end_state is not null
                and (window_start is null or (
                    ends.end_close_date >= window_start and ends.end_close_date < window_end
                )) as ends_in
        from at_start
        full outer join ends on ends.opportunity_id = at_start.opportunity_id
    ),

    classified as (
        select
            joined.*,
            case
                when ends_in and end_state = 'open' then 'in'
                when ends_in then end_state
                else 'out'
            end as exit_kind,
            case
                when was_in then 'start'
                when created_at >= from_at then 'new'
                else 'pulled_in'
            end as entry_kind
        from joined
        where was_in or ends_in
    ),

    final as (
        select
            classified.*,
            case
                when was_in then start_amount
                when entry_kind = 'new' then end_amount
                else coalesce(start_amount, end_amount)
            end as entry_amount
        from classified
    )

    select
        opportunity_id,
        created_at,
        entry_kind,
        exit_kind,
        start_stage_id,
        end_stage_id,
        start_expected_close_date,
        end_close_date,
        entry_amount,
        case when exit_kind = 'out' then entry_amount else end_amount end as exit_amount,
        case when exit_kind = 'out' then 0 else end_amount - entry_amount end as change_amount
    from final;
