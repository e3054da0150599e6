-- 005_imports: import batches with their rejects, what each batch created or changed (so it
-- can be undone exactly), and saved column-mapping profiles.

-- One row per loaded file (or workbook sheet). status 'loaded' until undone.
create sequence seq_import_batches start 1;
create table import_batches (
    batch_id integer primary key default nextval('seq_import_batches'),
    file_name varchar not null,          -- the uploaded name, cleaned; never used as a path
    sheet_name varchar,                  -- the workbook sheet (XLSX), else null
    file_sha256 varchar not null,        -- of the whole uploaded file
    file_bytes bigint not null,
    source varchar not null,             -- detected or chosen layout, e.g. salesforce_report
    source_system varchar not null,      -- the system the rows come from (upsert key with external_id)
    kind varchar not null
        check (kind in ('deals', 'accounts', 'reps', 'products', 'orders', 'returns')),
    profile_name varchar,                -- the saved mapping profile used, if any
    mapping varchar not null,            -- JSON: columns -> fields, date order, value maps, options
    as_of timestamp not null,            -- when the export was taken; changes are dated then
    rows_total integer not null,
    inserted integer not null,
    updated integer not null,
    unchanged integer not null,
    rejected integer not null,
    load_path varchar not null default 'row' check (load_path in ('row', 'bulk')),
    created_by integer,
    created_at timestamp not null default current_timestamp,
    status varchar not null default 'loaded' check (status in ('loaded', 'undone')),
    undone_at timestamp,
    undone_by integer
);

-- Rows of a batch that were not loaded: the row number in the file (the header is row 1),
-- the row as read (JSON object header -> cell), and why.
create table import_rejects (
    batch_id integer not null,
    row_number integer not null,
    raw_row varchar not null,
    reason varchar not null
);

-- What a batch did, row by row: each record it created or updated. Undo reads this.
create table import_changes (
    batch_id integer not null,
    entity varchar not null
        check (entity in ('opportunity', 'account', 'rep', 'team', 'product', 'order', 'order_line', 'return')),
    entity_id bigint not null,
    action varchar not null check (action in ('created', 'updated')),
    row_number integer
);

-- A deal as it stood before a batch updated it (undo restores it from here).
create table import_deal_snapshots (
    batch_id integer not null,
    opportunity_id bigint not null,
    opportunity_name varchar not null,
    account_id integer,
    owner_rep_id integer not null,
    product_id integer,
    territory_id integer,
    stage_id integer not null,
    lead_rating varchar,
    lead_source varchar,
    amount decimal(18, 2) not null,
    currency_code varchar not null,
    amount_rc decimal(18, 2) not null,
    probability decimal(5, 2) not null,
    forecast_category varchar not null,
    expected_close_date date,
    created_at timestamp not null,
    closed_at timestamp,
    loss_reason varchar,
    discount_pct decimal(5, 2) not null,
    next_step varchar,
    is_recurring boolean not null,
    source_system varchar not null,
    external_id varchar,
    row_version integer not null,
    updated_at timestamp not null,
    updated_by integer,
    furthest_stage_order integer,
    primary key (batch_id, opportunity_id)
);

-- An account as it stood before a batch updated it.
create table import_account_snapshots (
    batch_id integer not null,
    account_id integer not null,
    account_name varchar not null,
    industry varchar,
    segment_id integer,
    employee_count integer,
    territory_id integer,
    owner_rep_id integer,
    credit_limit decimal(18, 2),
    billing_country varchar,
    billing_state varchar,
    source_system varchar not null,
    external_id varchar,
    created_at timestamp not null,
    primary key (batch_id, account_id)
);

-- Saved mappings: a file whose header signature matches is mapped the same way again.
create table import_profiles (
    profile_name varchar primary key,
    header_signature varchar not null,
    kind varchar not null,
    source varchar not null,
    mapping varchar not null,            -- JSON, as in import_batches.mapping
    created_by integer,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp
);
