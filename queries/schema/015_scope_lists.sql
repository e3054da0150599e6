-- 015_scope_lists: the analytics macros take the reps a viewer may see as a list, resolved
-- once per call (dashboard.metrics.analytics_params), instead of joining every row with
-- analytics_reps. At 10M deals the join cost 10-30 ms per scan even when the viewer sees
-- everyone, and a tab scans the derived tables a dozen times. rep_ids null = every rep (an
-- admin or executive with no team filter): the test is then a constant and costs nothing; a
-- list (possibly empty) keeps the deals of those reps only. Territory and product filters as
-- before. Replaces the 006/010/013 definitions (waterfall_moves: 016, win_cycle_medians: 020);
-- the queries pass $rep_ids, $territory_id, $product_id.

-- The reps of a list (null = every rep): for queries that group by rep.
create or replace macro analytics_reps(rep_ids) as table
    select rep_id
    from reps
    where rep_ids is null or rep_id = any(rep_ids);

-- Whether a row of a deal (its owner_rep_id, territory_id, product_id) is one a viewer may
-- see under the page filters: the one scope test every table macro below applies.
create or replace macro analytics_in_scope(
    rep_ids, filter_territory_id, filter_product_id, owner_rep_id, territory_id, product_id
) as
    (rep_ids is null or owner_rep_id = any(rep_ids))
    and (filter_territory_id is null
        or list_contains(analytics_territories(filter_territory_id), territory_id))
    and (filter_product_id is null or product_id = filter_product_id);

-- The opportunities rows a viewer may see under the page filters.
create or replace macro analytics_deals(rep_ids, filter_territory_id, filter_product_id) as table
    select opportunities.*
    from opportunities
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        opportunities.owner_rep_id, opportunities.territory_id, opportunities.product_id
    );

-- The deal_spans rows a viewer may see under the page filters.
create or replace macro analytics_spans(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_spans.*
    from deal_spans
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_spans.owner_rep_id, deal_spans.territory_id, deal_spans.product_id
    );

-- The deal_stage_stays rows a viewer may see under the page filters.
create or replace macro analytics_stays(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_stage_stays.*
    from deal_stage_stays
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_stage_stays.owner_rep_id, deal_stage_stays.territory_id, deal_stage_stays.product_id
    );

-- The deal_facts rows a viewer may see under the page filters.
create or replace macro analytics_facts(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_facts.*
    from deal_facts
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_facts.owner_rep_id, deal_facts.territory_id, deal_facts.product_id
    );

-- The deal_win_cycles rows a viewer may see under the page filters.
create or replace macro analytics_win_cycles(
    rep_ids, filter_territory_id, filter_product_id
) as table
    select deal_win_cycles.*
    from deal_win_cycles
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_win_cycles.owner_rep_id, deal_win_cycles.territory_id, deal_win_cycles.product_id
    );

-- The deal_closings rows a viewer may see under the page filters.
create or replace macro analytics_closings(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_closings.*
    from deal_closings
    where analytics_in_scope(
        rep_ids, filter_territory_id, filter_product_id,
        deal_closings.owner_rep_id, deal_closings.territory_id, deal_closings.product_id
    );
