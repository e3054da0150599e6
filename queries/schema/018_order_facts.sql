-- 018_order_facts: the orders of the deals, with the deal's scope fields, in order-date order.
-- "Orders of the deals a viewer may see dated in a period" joined the period's orders with
-- every deal (10M at 10M deals) to learn each order's owner, territory and product - most of
-- the Forecast tab's fulfilment figures' time. order_facts holds each order of a deal once,
-- with the deal's current owner_rep_id, territory_id and product_id, its value (the sum of
-- its lines) and its returns, written in order_date order so a period reads its own row
-- groups only. Orders without a deal are not in it (they belong to no one's pipeline).
--
-- Derived like deal_facts (010): dashboard.funnel.refresh_history rebuilds the rows of the
-- deals it refreshes (their scope fields may have moved), and every row when orders, order
-- lines or returns changed since order_facts_state (orders are only ever added or removed
-- whole, with ids that only grow, so the row counts and highest ids tell). Both tables start
-- empty here: with no state recorded, the first refresh (every page and command that reads
-- them runs one first) builds order_facts whole.

create table order_facts (
    order_id bigint not null,
    order_date date not null,
    order_status varchar not null,
    delivery_status varchar not null,
    opportunity_id bigint not null,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    order_value decimal(38, 4),             -- the sum of the order's lines (null: no lines)
    returns bigint not null,                -- returns booked against the order
    return_amount decimal(38, 4)            -- their amount (null: none)
);

-- What order_facts was built from: the rows and highest ids of orders, order_lines and
-- returns at the last rebuild (one row).
create table order_facts_state (
    state_key varchar primary key,
    orders_seen bigint not null,
    last_order_id bigint not null,
    order_lines_seen bigint not null,
    last_order_line_id bigint not null,
    returns_seen bigint not null,
    last_return_id bigint not null
);

-- The order_facts rows a viewer may see under the page filters (analytics_in_scope, 015).
create macro analytics_order_facts(rep_ids, filter_territory_id, filter_product_id) as table
    select order_facts.*
    from order_facts
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        order_facts.owner_rep_id, order_facts.territory_id, order_facts.product_id
    );
