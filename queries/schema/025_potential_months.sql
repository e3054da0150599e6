-- 025_potential_months: the accounts' won bookings counted per month. A territory's and a
-- rep's potential is what their accounts (by each account's territory and owner now) booked
-- in the four quarters before the period; the Territory tab joined the million deals won in
-- those quarters at 10M deals with every account, twice (territories, workload) - most of
-- the tab's time. potential_months holds the won amounts per closing month, the account's
-- territory and owner now, and the deal's product: some 30,000 rows a year at 10M deals.
-- account_potential reads a window's whole months from here and its partial months from
-- deal_facts and accounts.
--
-- Derived from deal_facts and accounts: dashboard.funnel.refresh_history recounts the months
-- the refreshed deals closed in, before and after (history_refresh_cells, with no rep: a
-- month is recounted whole), and everything on a full rebuild or when accounts changed since
-- account_state (accounts move between territories and owners without a deal event; the
-- row count and an order-free hash of every account's territory and owner tell). Filled
-- here as funnel/count_potential_months fills it: a migration keeps its own copy of the
-- statement.

create table potential_months (
    closed_month date not null,             -- the month the deal was won in
    territory_id integer,                   -- the account's territory now
    owner_rep_id integer,                   -- the account's owner now
    product_id integer,                     -- the deal's product
    amount decimal(38, 2) not null
);

insert into potential_months
select
    date_trunc('month', facts.closed_at)::date as closed_month,
    accounts.territory_id,
    accounts.owner_rep_id,
    facts.product_id,
    sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
inner join accounts on accounts.account_id = facts.account_id
where stages.is_won and facts.closed_at is not null
group by all
order by closed_month, accounts.territory_id, accounts.owner_rep_id, facts.product_id;

-- What potential_months was counted with: the accounts' row count and the bit_xor of a hash
-- of each one's id, territory and owner (one row).
create table account_state (
    state_key varchar primary key,
    accounts_seen bigint not null,
    accounts_hash bigint not null
);

insert into account_state
select
    'potential_months',
    count(*),
    coalesce(bit_xor((hash(account_id, territory_id, owner_rep_id) >> 1)::bigint), 0)
from accounts;

-- The deals won in [from_at, to_at) with their account's territory and owner now and their
-- product, one row per deal (deals without an account have no potential).
create macro potential_rows(from_at, to_at, filter_product_id) as table
    select
        accounts.territory_id,
        accounts.owner_rep_id,
        facts.amount_rc as amount
    from deal_facts as facts
    inner join stages on stages.stage_id = facts.stage_id
    inner join accounts on accounts.account_id = facts.account_id
    where stages.is_won
        and facts.closed_at >= from_at
        and facts.closed_at < to_at
        and (filter_product_id is null or facts.product_id = filter_product_id);

-- The potential per account territory and owner now: what their accounts booked in
-- [from_at, to_at) (deals of product filter_product_id; null = every product). The window's
-- whole months come from potential_months, its partial months from potential_rows.
create macro account_potential(from_at, to_at, filter_product_id) as table
    select territory_id, owner_rep_id, sum(amount) as potential
    from (
        select territory_id, owner_rep_id, amount
        from potential_months
        where (filter_product_id is null or product_id = filter_product_id)
            and closed_month >= counted_months_from(from_at, to_at, true)::date
            and closed_month < counted_months_to(from_at, to_at, true)::date
        union all
        select *
        from potential_rows(
            from_at, least(counted_months_from(from_at, to_at, true), to_at::timestamp),
            filter_product_id
        )
        union all
        select *
        from potential_rows(
            greatest(counted_months_to(from_at, to_at, true), from_at::timestamp), to_at,
            filter_product_id
        )
    )
    group by territory_id, owner_rep_id;
