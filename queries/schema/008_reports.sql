-- 008_reports: stakeholder report packs with their review workflow and frozen figures, and
-- the inputs some packs need that no other table holds: partners linked to deals, and
-- sales & marketing spend.

-- Companies that bring (source) or help win (influence) deals.
create sequence seq_partners start 1;
create table partners (
    partner_id integer primary key default nextval('seq_partners'),
    partner_name varchar not null unique,
    partner_kind varchar not null default 'reseller'
        check (partner_kind in ('reseller', 'referral', 'alliance', 'technology', 'other')),
    created_by integer,
    created_at timestamp not null default current_timestamp
);

-- A partner's part in a deal. A link is never deleted: removing it stamps removed_at (with
-- who and why), so a published partner pack can always be explained.
create sequence seq_deal_partners start 1;
create table deal_partners (
    link_id integer primary key default nextval('seq_deal_partners'),
    opportunity_id bigint not null,
    partner_id integer not null,
    involvement varchar not null check (involvement in ('sourced', 'influenced')),
    note varchar,
    created_by integer,
    created_at timestamp not null default current_timestamp,
    removed_by integer,
    removed_at timestamp,
    removal_reason varchar
);

-- Sales and marketing spend per month, in the reporting currency. Append-only: a correction
-- is a further entry (it may be negative), so what a published pack used stays visible.
create sequence seq_sm_spend start 1;
create table sm_spend (
    spend_id integer primary key default nextval('seq_sm_spend'),
    spend_month date not null check (extract(day from spend_month) = 1),
    category varchar not null check (category in ('sales', 'marketing')),
    amount decimal(18, 2) not null check (amount <> 0),
    note varchar,
    entered_by integer,
    entered_at timestamp not null default current_timestamp
);

-- A report pack: what it covers and where it stands. Its figures live in
-- report_pack_snapshots; its history in report_pack_events.
create sequence seq_report_packs start 1;
create table report_packs (
    pack_id integer primary key default nextval('seq_report_packs'),
    pack_kind varchar not null
        check (pack_kind in ('investor', 'board', 'partner', 'government', 'management')),
    period_label varchar not null,
    period_start date not null,
    period_end date not null,           -- exclusive
    scope_kind varchar not null check (scope_kind in ('all', 'team')),
    scope_team_id integer,              -- the team whose subtree the pack covers (scope 'team')
    title varchar not null,
    status varchar not null default 'draft'
        check (status in ('draft', 'in_review', 'approved', 'published')),
    current_snapshot_id integer,        -- the figures under review (set on submission)
    approved_snapshot_id integer,       -- the figures an approver approved
    published_snapshot_id integer,      -- the frozen figures, for good
    created_by integer,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp,
    check (period_end > period_start),
    check ((scope_kind = 'all') = (scope_team_id is null))
);

-- Frozen figures: the whole pack as canonical JSON and its sha256. Taken when a pack is
-- submitted for review; the approved one becomes the published one. Never updated.
create sequence seq_report_pack_snapshots start 1;
create table report_pack_snapshots (
    snapshot_id integer primary key default nextval('seq_report_pack_snapshots'),
    pack_id integer not null,
    figures_json varchar not null,
    content_hash varchar not null,
    data_as_of date not null,
    taken_by integer,
    taken_at timestamp not null default current_timestamp
);

-- Append-only history of every pack: who did what, when, from which status to which, with
-- the snapshot concerned and the comment. Never updated or deleted from.
create sequence seq_report_pack_events start 1;
create table report_pack_events (
    event_id bigint primary key default nextval('seq_report_pack_events'),
    pack_id integer not null,
    occurred_at timestamp not null default current_timestamp,
    actor_user_id integer,
    action varchar not null check (action in (
        'created', 'submitted', 'commented', 'changes_requested', 'approved', 'withdrawn',
        'published'
    )),
    from_status varchar,
    to_status varchar,
    snapshot_id integer,
    comment varchar
);

-- The orders a viewer may see: an order belongs to the owner of its deal (or, without a
-- deal, of its account); scope 'all' sees every order, also those imported without either.
-- Adds customer_label (the account's name, else the name on the order) and owner_rep_id.
create macro scoped_orders(scope_kind, scope_rep_id, scope_team_id) as table
    select
        orders.*,
        coalesce(accounts.account_name, orders.customer_name, '(unknown customer)')
            as customer_label,
        coalesce(opportunities.owner_rep_id, accounts.owner_rep_id) as owner_rep_id
    from orders
    left join opportunities on opportunities.opportunity_id = orders.opportunity_id
    left join accounts on accounts.account_id = orders.account_id
    where scope_kind = 'all'
        or coalesce(opportunities.owner_rep_id, accounts.owner_rep_id) in (
            select rep_id from visible_reps(scope_kind, scope_rep_id, scope_team_id)
        );
