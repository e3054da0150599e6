-- 001_core: the first cut of the data model (see DESIGN.md).
-- Money is DECIMAL; timestamps are *_at, dates *_date, booleans is_*.

create table workspace_settings (
    setting_key varchar primary key,
    setting_value varchar not null
);

create sequence seq_users start 1;
create table users (
    user_id integer primary key default nextval('seq_users'),
    email varchar not null unique,
    display_name varchar not null,
    role varchar not null check (role in ('admin', 'executive', 'manager', 'rep', 'analyst')),
    password_hash varchar,
    rep_id integer,
    team_id integer,
    is_active boolean not null default true,
    created_at timestamp not null default current_timestamp
);

-- every sign-in attempt, also for unknown emails: the throttle reads it
create table signin_attempts (
    email varchar not null,
    attempted_at timestamp not null,
    is_success boolean not null
);

create sequence seq_teams start 1;
create table teams (
    team_id integer primary key default nextval('seq_teams'),
    team_name varchar not null,
    parent_team_id integer,
    team_level varchar not null check (team_level in ('company', 'region', 'team')),
    manager_user_id integer
);

create sequence seq_territories start 1;
create table territories (
    territory_id integer primary key default nextval('seq_territories'),
    territory_name varchar not null,
    parent_territory_id integer,
    territory_kind varchar not null check (territory_kind in ('world', 'region', 'district', 'country', 'state')),
    country_code varchar,      -- ISO 3166-1 alpha-2
    country_iso3 varchar,      -- ISO 3166-1 alpha-3 (maps)
    subdivision_code varchar   -- ISO 3166-2, e.g. US-CA
);

create sequence seq_reps start 1;
create table reps (
    rep_id integer primary key default nextval('seq_reps'),
    full_name varchar not null,
    email varchar,
    team_id integer not null,
    territory_id integer,
    hire_date date,
    base_salary decimal(18, 2),
    is_active boolean not null default true
);

create sequence seq_segments start 1;
create table segments (
    segment_id integer primary key default nextval('seq_segments'),
    segment_name varchar not null unique
);

create sequence seq_accounts start 1;
create table accounts (
    account_id integer primary key default nextval('seq_accounts'),
    account_name varchar not null,
    industry varchar,
    segment_id integer,
    employee_count integer,
    territory_id integer,
    owner_rep_id integer,
    credit_limit decimal(18, 2),
    billing_country varchar,
    billing_state varchar,
    source_system varchar not null default 'app',
    external_id varchar,
    created_at timestamp not null default current_timestamp
);

create sequence seq_contacts start 1;
create table contacts (
    contact_id integer primary key default nextval('seq_contacts'),
    account_id integer not null,
    full_name varchar not null,
    email varchar,
    phone varchar,
    job_title varchar
);

create sequence seq_products start 1;
create table products (
    product_id integer primary key default nextval('seq_products'),
    sku varchar not null unique,
    product_name varchar not null,
    product_family varchar not null,
    list_price decimal(18, 2) not null,
    is_recurring boolean not null default false,
    is_active boolean not null default true
);

create table price_lists (
    price_list_id integer primary key,
    price_list_name varchar not null,
    currency_code varchar not null
);

create table price_list_items (
    price_list_id integer not null,
    product_id integer not null,
    unit_price decimal(18, 2) not null,
    primary key (price_list_id, product_id)
);

create table stages (
    stage_id integer primary key,
    pipeline_name varchar not null default 'default',
    stage_name varchar not null,
    sort_order integer not null,
    default_probability decimal(5, 2) not null,
    forecast_category varchar not null
        check (forecast_category in ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
    is_won boolean not null default false,
    is_lost boolean not null default false,
    is_active boolean not null default true,
    unique (pipeline_name, stage_name)
);

insert into stages values
    (1, 'default', 'Prospecting', 1, 10, 'pipeline', false, false, true),
    (2, 'default', 'Qualifying', 2, 20, 'pipeline', false, false, true),
    (3, 'default', 'Gathering information', 3, 30, 'pipeline', false, false, true),
    (4, 'default', 'Approach', 4, 40, 'best_case', false, false, true),
    (5, 'default', 'Presentation', 5, 55, 'best_case', false, false, true),
    (6, 'default', 'Needs research', 6, 70, 'commit', false, false, true),
    (7, 'default', 'Closing', 7, 85, 'commit', false, false, true),
    (8, 'default', 'Won', 8, 100, 'closed', true, false, true),
    (9, 'default', 'Lost', 9, 0, 'omitted', false, true, true);

create sequence seq_opportunities start 1;
create table opportunities (
    opportunity_id bigint primary key default nextval('seq_opportunities'),
    opportunity_name varchar not null,
    account_id integer,
    owner_rep_id integer not null,
    product_id integer,
    territory_id integer,
    stage_id integer not null,
    lead_rating varchar check (lead_rating in ('cold', 'warm', 'hot')),
    lead_source varchar,
    amount decimal(18, 2) not null default 0 check (amount >= 0),
    currency_code varchar not null default 'USD',
    amount_rc decimal(18, 2) not null default 0,       -- amount in the reporting currency
    probability decimal(5, 2) not null default 0 check (probability between 0 and 100),
    forecast_category varchar not null default 'pipeline'
        check (forecast_category in ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
    expected_close_date date,
    created_at timestamp not null,
    closed_at timestamp,
    loss_reason varchar,
    discount_pct decimal(5, 2) not null default 0,
    next_step varchar,
    is_recurring boolean not null default false,
    source_system varchar not null default 'app',
    external_id varchar,
    row_version integer not null default 1,
    updated_at timestamp not null default current_timestamp,
    updated_by integer
);

-- Append-only history. Each row names one change (field, old -> new) and carries the
-- deal's key fields as they stood right after it, so the pipeline as of any date is the
-- last row per deal at or before that date.
create sequence seq_opportunity_events start 1;
create table opportunity_events (
    event_id bigint not null default nextval('seq_opportunity_events'),
    opportunity_id bigint not null,
    occurred_at timestamp not null,
    actor_user_id integer,
    origin varchar not null check (origin in ('app', 'import', 'demo', 'system')),
    batch_id integer,
    event_type varchar not null
        check (event_type in ('created', 'stage_changed', 'updated', 'won', 'lost', 'reopened')),
    field_name varchar,
    old_value varchar,
    new_value varchar,
    stage_id integer not null,
    amount_rc decimal(18, 2) not null,
    probability decimal(5, 2) not null,
    expected_close_date date,
    owner_rep_id integer not null,
    forecast_category varchar not null
);

create sequence seq_activities start 1;
create table activities (
    activity_id bigint primary key default nextval('seq_activities'),
    opportunity_id bigint,
    account_id integer,
    rep_id integer not null,
    activity_type varchar not null
        check (activity_type in ('call', 'email', 'meeting', 'presentation', 'proposal', 'follow_up', 'feedback')),
    occurred_at timestamp not null,
    subject varchar,
    notes varchar,
    due_date date,
    is_done boolean not null default true,
    created_by integer
);

create sequence seq_goals start 1;
create table goals (
    goal_id integer primary key default nextval('seq_goals'),
    parent_goal_id integer,
    period_kind varchar not null check (period_kind in ('month', 'quarter', 'year')),
    period_start date not null,
    period_end date not null,          -- exclusive
    scope_kind varchar not null
        check (scope_kind in ('company', 'team', 'rep', 'territory', 'product', 'segment')),
    scope_id integer,                  -- null for the company
    metric varchar not null check (metric in ('bookings', 'won_deals', 'new_accounts', 'activities')),
    target decimal(18, 2) not null check (target >= 0),
    version integer not null default 1,
    created_by integer,
    created_at timestamp not null default current_timestamp,
    check (period_end > period_start)
);

create sequence seq_orders start 1;
create table orders (
    order_id bigint primary key default nextval('seq_orders'),
    opportunity_id bigint,
    account_id integer,
    order_date date not null,
    ship_date date,
    ship_mode varchar,
    order_status varchar not null default 'booked'
        check (order_status in ('booked', 'invoiced', 'cancelled')),
    delivery_status varchar not null default 'pending'
        check (delivery_status in ('pending', 'on_time', 'late', 'not_applicable')),
    currency_code varchar not null default 'USD',
    customer_name varchar,
    segment_name varchar,
    country varchar,
    state varchar,
    city varchar,
    postal_code varchar,
    region varchar,
    source_system varchar not null default 'app',
    external_id varchar
);

create sequence seq_order_lines start 1;
create table order_lines (
    order_line_id bigint primary key default nextval('seq_order_lines'),
    order_id bigint not null,
    product_id integer,
    product_name varchar,
    category varchar,
    quantity decimal(18, 4) not null,
    unit_price decimal(18, 4),
    discount_pct decimal(7, 4) not null default 0,
    sales_amount decimal(18, 4) not null,
    profit decimal(18, 4),
    external_id varchar
);

create sequence seq_returns start 1;
create table returns (
    return_id bigint primary key default nextval('seq_returns'),
    order_id bigint not null,
    order_line_id bigint,
    returned_date date not null,
    return_amount decimal(18, 4) not null,
    reason varchar
);

create table fx_rates (
    currency_code varchar not null,
    rate_date date not null,
    rate_to_reporting decimal(18, 8) not null,
    primary key (currency_code, rate_date)
);

create sequence seq_audit_log start 1;
create table audit_log (
    audit_id bigint primary key default nextval('seq_audit_log'),
    occurred_at timestamp not null default current_timestamp,
    user_id integer,
    action varchar not null,
    entity varchar not null,
    entity_id varchar,
    detail varchar
);

-- Scope: the reps a viewer may see. 'all' = everyone, 'rep' = one rep, 'team' = every rep
-- in the team's subtree. Used by every query that returns deals or money.
create macro visible_reps(scope_kind, scope_rep_id, scope_team_id) as table
    with recursive subtree(team_id) as (
        select team_id from teams where team_id = scope_team_id
        union all
        select child.team_id
        from teams as child
        inner join subtree as parent on child.parent_team_id = parent.team_id
    )
    select rep_id
    from reps
    where scope_kind = 'all'
        or (scope_kind = 'rep' and rep_id = scope_rep_id)
        or (scope_kind = 'team' and team_id in (select team_id from subtree));

-- A territory and everything below it.
create macro territory_subtree(root_territory_id) as table
    with recursive subtree(territory_id) as (
        select territory_id from territories where territory_id = root_territory_id
        union all
        select child.territory_id
        from territories as child
        inner join subtree as parent on child.parent_territory_id = parent.territory_id
    )
    select territory_id from subtree;

-- The deals a viewer may see, narrowed by the page filters (each null = no filter), with
-- the names pages group by and a group key chosen by group_by (a value from a fixed list:
-- owner, team, territory, product, stage, source; anything else groups everything as one).
create macro scoped_deals(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id, group_by
) as table
    select
        opportunities.*,
        stages.stage_name,
        stages.sort_order as stage_order,
        stages.is_won,
        stages.is_lost,
        reps.full_name as owner_name,
        reps.team_id as owner_team_id,
        teams.team_name,
        territories.territory_name,
        products.product_name,
        products.product_family,
        case group_by
            when 'owner' then reps.full_name
            when 'team' then teams.team_name
            when 'territory' then territories.territory_name
            when 'product' then products.product_name
            when 'stage' then stages.stage_name
            when 'source' then opportunities.lead_source
            else 'All'
        end as group_key
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    inner join reps on reps.rep_id = opportunities.owner_rep_id
    inner join teams on teams.team_id = reps.team_id
    left join territories on territories.territory_id = opportunities.territory_id
    left join products on products.product_id = opportunities.product_id
    where opportunities.owner_rep_id in (
            select rep_id from visible_reps(scope_kind, scope_rep_id, scope_team_id)
        )
        and (filter_team_id is null or opportunities.owner_rep_id in (
            select rep_id from visible_reps('team', null, filter_team_id)
        ))
        and (filter_territory_id is null or opportunities.territory_id in (
            select territory_id from territory_subtree(filter_territory_id)
        ))
        and (filter_product_id is null or opportunities.product_id = filter_product_id);
