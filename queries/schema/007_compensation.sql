-- 007_compensation: commission plans (versioned, with attainment bands and SPIFFs), plan
-- assignments with quotas per rep and quarter, frozen statements of closed periods, and
-- disputes on statement lines. Every table here is append-only: a change is a new row.

-- A plan's identity; its terms live in comp_plan_versions.
create sequence seq_comp_plans start 1;
create table comp_plans (
    plan_id integer primary key default nextval('seq_comp_plans'),
    plan_name varchar not null unique,
    description varchar not null default '',
    created_by integer,
    created_at timestamp not null default current_timestamp
);

-- One row per saved version of a plan; never updated. Money per period (quarter).
-- measure: what attainment and commission are measured on. cap_multiple: commission is at
-- most this multiple of the target incentive (null = no cap). clawback_days: a return or
-- cancellation within this many days of the order claws back what was paid on it (null =
-- no clawbacks). draw_amount: a guaranteed advance per period, recovered from later
-- earnings above the draw when draw_is_recoverable.
create table comp_plan_versions (
    plan_id integer not null,
    version integer not null,
    measure varchar not null check (measure in ('bookings', 'invoiced', 'margin')),
    target_incentive decimal(18, 2) not null check (target_incentive >= 0),
    cap_multiple decimal(9, 4) check (cap_multiple > 0),
    clawback_days integer check (clawback_days >= 0),
    draw_amount decimal(18, 2) not null default 0 check (draw_amount >= 0),
    draw_is_recoverable boolean not null default true,
    change_note varchar,
    saved_by integer,
    saved_at timestamp not null default current_timestamp,
    primary key (plan_id, version)
);

-- The rate table of a plan version: attainment bands [floor_pct, ceiling_pct) in percent of
-- quota (ceiling null = no upper end). rate = payout per 100% of quota inside the band, as a
-- multiple of the target incentive; applied marginally.
create table comp_plan_tiers (
    plan_id integer not null,
    version integer not null,
    band_no integer not null,
    floor_pct decimal(9, 2) not null check (floor_pct >= 0),
    ceiling_pct decimal(9, 2),
    rate decimal(9, 4) not null check (rate >= 0),
    primary key (plan_id, version, band_no),
    check (ceiling_pct is null or ceiling_pct > floor_pct)
);

-- SPIFFs of a plan version: a bonus per won deal of a product and/or won inside a window
-- [starts_on, ends_on): a fixed amount, a percent of the deal amount, or both.
create table comp_spiffs (
    plan_id integer not null,
    version integer not null,
    spiff_no integer not null,
    spiff_name varchar not null,
    product_id integer,
    starts_on date,
    ends_on date,
    amount_per_deal decimal(18, 2) not null default 0 check (amount_per_deal >= 0),
    pct_of_amount decimal(9, 4) not null default 0 check (pct_of_amount >= 0),
    primary key (plan_id, version, spiff_no),
    check (ends_on is null or starts_on is null or ends_on > starts_on)
);

-- A plan version and a quota for one rep and one quarter. Append-only: the latest row
-- (highest assignment_id) for a rep and quarter is the one that applies.
create sequence seq_comp_assignments start 1;
create table comp_assignments (
    assignment_id integer primary key default nextval('seq_comp_assignments'),
    rep_id integer not null,
    period_start date not null,
    period_end date not null,          -- exclusive
    plan_id integer not null,
    plan_version integer not null,
    quota decimal(18, 2) not null check (quota > 0),
    quota_source varchar not null check (quota_source in ('goal', 'manual')),
    note varchar,
    assigned_by integer,
    assigned_at timestamp not null default current_timestamp,
    check (period_end > period_start)
);

-- A closed period: its statements are frozen in comp_statements and never change.
create table comp_period_closes (
    period_start date primary key,
    period_end date not null,
    statement_count integer not null,
    total_amount decimal(18, 2) not null,
    closed_by integer,
    closed_at timestamp not null default current_timestamp
);

-- The frozen statement of one rep for one closed period: the terms it was computed with,
-- its totals (each the exact sum of its lines by kind) and a sha256 of its content.
create sequence seq_comp_statements start 1;
create table comp_statements (
    statement_id integer primary key default nextval('seq_comp_statements'),
    rep_id integer not null,
    period_start date not null,
    period_end date not null,
    plan_id integer,
    plan_version integer,
    measure varchar,
    quota decimal(18, 2),
    target_incentive decimal(18, 2),
    credited_amount decimal(18, 2) not null,
    attainment decimal(12, 6),
    tier_label varchar,
    is_capped boolean not null default false,
    base_salary decimal(18, 2) not null,
    commission decimal(18, 2) not null,
    spiffs decimal(18, 2) not null,
    clawbacks decimal(18, 2) not null,
    adjustments decimal(18, 2) not null,
    draw_advance decimal(18, 2) not null,
    draw_recovery decimal(18, 2) not null,
    total_amount decimal(18, 2) not null,
    draw_balance_after decimal(18, 2) not null,
    content_hash varchar not null,
    closed_by integer,
    closed_at timestamp not null default current_timestamp,
    unique (rep_id, period_start)
);

-- The lines of a frozen statement, each naming the deal, order or return behind it.
-- line_key is stable across recomputations (e.g. 'commission:deal:42'); an adjustment names
-- the closed period and line it corrects (source_period_start, source_line_key).
create table comp_statement_lines (
    statement_id integer not null,
    line_no integer not null,
    line_key varchar not null,
    line_kind varchar not null check (line_kind in (
        'commission', 'spiff', 'clawback', 'adjustment', 'draw_advance', 'draw_recovery'
    )),
    description varchar not null,
    opportunity_id bigint,
    order_id bigint,
    return_id bigint,
    event_date date,
    credit_amount decimal(18, 2),
    attainment_before decimal(12, 6),
    attainment_after decimal(12, 6),
    rate_label varchar,
    amount decimal(18, 2) not null,
    source_period_start date,
    source_line_key varchar,
    primary key (statement_id, line_no)
);

-- A rep's flag on a statement line, with their comment; never changed.
create sequence seq_comp_disputes start 1;
create table comp_disputes (
    dispute_id integer primary key default nextval('seq_comp_disputes'),
    rep_id integer not null,
    period_start date not null,
    line_key varchar not null,
    line_description varchar not null,
    line_amount decimal(18, 2) not null,
    statement_id integer,              -- set when the period was closed
    comment varchar not null,
    raised_by integer,
    raised_at timestamp not null default current_timestamp
);

-- A manager's reply that resolves a dispute; the dispute itself stays as it was.
create sequence seq_comp_dispute_replies start 1;
create table comp_dispute_replies (
    reply_id integer primary key default nextval('seq_comp_dispute_replies'),
    dispute_id integer not null unique,
    outcome varchar not null check (outcome in ('accepted', 'declined')),
    reply varchar not null,
    replied_by integer,
    replied_at timestamp not null default current_timestamp
);
