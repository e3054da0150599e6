-- 015_scope_lists: the analytics macros take the reps a viewer may see as a list, resolved
-- once per call (dashboard.metrics.analytics_params), instead of joining every row with
-- analytics_reps. At 10M deals the join cost 10-30 ms per scan even when the viewer sees
-- everyone, and a tab scans the derived tables a dozen times. rep_ids null = every rep (an
-- admin or executive with no team filter): the test is then a constant and costs nothing; a
-- list (possibly empty) keeps the deals of those reps only. Territory and product filters as
-- before. Replaces the 006/010/013 definitions (waterfall_moves: 016); the queries pass
-- $rep_ids, $territory_id, $product_id.

-- The reps of a list (null = every rep): for queries that group by rep.
create or replace macro analytics_reps(rep_ids) as table
    select rep_id
    from reps
    where rep_ids is null or rep_id = any(rep_ids);

-- The opportunities rows a viewer may see under the page filters.
create or replace macro analytics_deals(rep_ids, filter_territory_id, filter_product_id) as table
    select opportunities.*
    from opportunities
    where (rep_ids is null or opportunities.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), opportunities.territory_id))
        and (filter_product_id is null or opportunities.product_id = filter_product_id);

-- The deal_spans rows a viewer may see under the page filters.
create or replace macro analytics_spans(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_spans.*
    from deal_spans
    where (rep_ids is null or deal_spans.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_spans.territory_id))
        and (filter_product_id is null or deal_spans.product_id = filter_product_id);

-- The deal_stage_stays rows a viewer may see under the page filters.
create or replace macro analytics_stays(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_stage_stays.*
    from deal_stage_stays
    where (rep_ids is null or deal_stage_stays.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_stage_stays.territory_id))
        and (filter_product_id is null or deal_stage_stays.product_id = filter_product_id);

-- The deal_facts rows a viewer may see under the page filters.
create or replace macro analytics_facts(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_facts.*
    from deal_facts
    where (rep_ids is null or deal_facts.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_facts.territory_id))
        and (filter_product_id is null or deal_facts.product_id = filter_product_id);

-- The deal_win_cycles rows a viewer may see under the page filters.
create or replace macro analytics_win_cycles(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_win_cycles.*
    from deal_win_cycles
    where (rep_ids is null or deal_win_cycles.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_win_cycles.territory_id))
        and (filter_product_id is null or deal_win_cycles.product_id = filter_product_id);

-- The deal_closings rows a viewer may see under the page filters.
create or replace macro analytics_closings(rep_ids, filter_territory_id, filter_product_id) as table
    select deal_closings.*
    from deal_closings
    where (rep_ids is null or deal_closings.owner_rep_id = any(rep_ids))
        and (filter_territory_id is null
            or list_contains(analytics_territories(filter_territory_id), deal_closings.territory_id))
        and (filter_product_id is null or deal_closings.product_id = filter_product_id);

-- As in 010, over the scope above.
create or replace macro win_cycle_medians(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at
) as table
    with cycle_rows as not materialized (
        select stage_id, days_to_win, whole_days
        from analytics_win_cycles(
            rep_ids, filter_territory_id, filter_product_id
        )
        where closed_at >= from_at and closed_at < to_at
    ),

    day_counts as (
        select stage_id, whole_days, count(*) as stays
        from cycle_rows
        group by stage_id, whole_days
    ),

    ranked as (
        -- the 0-based rank of each day's first stay, and the ranks of the middle value(s)
        select
            stage_id,
            whole_days,
            stays,
            sum(stays) over (
                partition by stage_id order by whole_days
                rows between unbounded preceding and current row
            ) - stays as first_rank,
            (sum(stays) over (partition by stage_id) - 1) // 2 as low_rank,
            sum(stays) over (partition by stage_id) // 2 as high_rank
        from day_counts
    ),

    middle_days as (
        select stage_id, whole_days, first_rank, low_rank, high_rank
        from ranked
        where (low_rank >= first_rank and low_rank < first_rank + stays)
            or (high_rank >= first_rank and high_rank < first_rank + stays)
    ),

    middle_stays as (
        select
            cycle_rows.stage_id,
            cycle_rows.days_to_win,
            middle_days.low_rank,
            middle_days.high_rank,
            middle_days.first_rank - 1 + row_number() over (
                partition by cycle_rows.stage_id, middle_days.whole_days
                order by cycle_rows.days_to_win
            ) as value_rank
        from cycle_rows
        inner join middle_days
            on middle_days.stage_id = cycle_rows.stage_id
            and middle_days.whole_days = cycle_rows.whole_days
    ),

    middles as (
        select
            stage_id,
            any_value(days_to_win) filter (where value_rank = low_rank) as low_value,
            any_value(days_to_win) filter (where value_rank = high_rank) as high_value
        from middle_stays
        group by stage_id
    )

    select stage_id, low_value + (high_value - low_value) * 0.5 as median_days_to_win
    from middles;
