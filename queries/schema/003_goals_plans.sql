-- 003_goals_plans: goal versions (append-only), the split warning kept on a goal, and sales
-- plans with their initiatives and versions.

-- Set when a split was saved although its children do not add up to this goal; cleared by a
-- later split that adds up. The text says by how much and who chose to keep it.
alter table goals add column split_warning varchar;
alter table goals add column updated_by integer;
alter table goals add column updated_at timestamp;

-- Every change of a goal's target: who, when, old -> new. The goals row keeps the current
-- target and version; this table is never updated or deleted from.
create sequence seq_goal_versions start 1;
create table goal_versions (
    goal_version_id bigint primary key default nextval('seq_goal_versions'),
    goal_id integer not null,
    version integer not null,
    change_kind varchar not null check (change_kind in ('created', 'edited', 'split', 'imported')),
    old_target decimal(18, 2),         -- null when the goal was created
    new_target decimal(18, 2) not null,
    changed_by integer,
    changed_at timestamp not null default current_timestamp,
    note varchar,
    unique (goal_id, version)
);

-- A sales plan for one period and scope (the same period and scope kinds as goals).
create sequence seq_plans start 1;
create table plans (
    plan_id integer primary key default nextval('seq_plans'),
    period_kind varchar not null check (period_kind in ('month', 'quarter', 'year')),
    period_start date not null,
    period_end date not null,          -- exclusive
    scope_kind varchar not null
        check (scope_kind in ('company', 'team', 'rep', 'territory', 'product', 'segment')),
    scope_id integer,                  -- null for the company
    title varchar not null,
    objectives varchar not null default '',
    strategy varchar not null default '',
    headcount integer check (headcount >= 0),
    budget decimal(18, 2) check (budget >= 0),
    version integer not null default 1,
    created_by integer,
    created_at timestamp not null default current_timestamp,
    updated_by integer,
    updated_at timestamp not null default current_timestamp,
    check (period_end > period_start)
);

-- The plan's current initiatives; every earlier state lives in plan_versions.snapshot.
create sequence seq_plan_items start 1;
create table plan_items (
    plan_item_id integer primary key default nextval('seq_plan_items'),
    plan_id integer not null,
    position integer not null,
    title varchar not null,
    owner varchar,
    due_date date,
    status varchar not null
        check (status in ('planned', 'in_progress', 'done', 'blocked', 'dropped')),
    expected_impact decimal(18, 2) check (expected_impact >= 0),
    notes varchar
);

-- Append-only: one row per save of a plan, with the whole plan as it stood after the save
-- (JSON: fields and initiatives), so any two versions can be compared.
create table plan_versions (
    plan_id integer not null,
    version integer not null,
    saved_by integer,
    saved_at timestamp not null default current_timestamp,
    change_summary varchar,
    snapshot varchar not null,
    primary key (plan_id, version)
);
