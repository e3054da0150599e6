-- 016_waterfall_ends: the waterfall's end states without a full outer join. A deal's state
-- just before to_at is either an open span covering to_at or its last closing before to_at;
-- until now the closings were joined with the open spans (a reopened deal has both) and
-- that joined set with the start states: two full outer joins of a million rows each at 10M
-- deals. deal_closings now keeps, per closed instant, when the deal's next span starts
-- (next_span_from: a reopening or a later closed instant, 'infinity' when none), so "this
-- closing is the deal's state at to_at" is a filter (next_span_from >= to_at) and the open
-- and closed end states are a union of disjoint rows. next_span_from replaces
-- next_valid_from (the next closed instant), which only the waterfall read.
--
-- Derived like 013: rebuilt by dashboard.funnel.refresh_history right after deal_spans;
-- filled here from deal_spans so a workspace with a current history needs no rebuild.

drop table deal_closings;

create table deal_closings (
    opportunity_id bigint not null,
    valid_from timestamp not null,          -- the closed instant (deal_spans.valid_from)
    next_span_from timestamp not null,      -- when the deal's next span starts, else 'infinity'
    stage_id integer not null,
    stage_entered_at timestamp not null,    -- when the deal closed
    amount_rc decimal(18, 2) not null,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    created_at timestamp not null
);

insert into deal_closings
with timed as (
    select
        deal_spans.*,
        lead(valid_from, 1, 'infinity'::timestamp) over (
            partition by opportunity_id order by valid_from
        ) as next_span_from
    from deal_spans
)
select
    opportunity_id,
    valid_from,
    next_span_from,
    stage_id,
    stage_entered_at,
    amount_rc,
    owner_rep_id,
    territory_id,
    product_id,
    created_at
from timed
where valid_to = valid_from
order by valid_from, opportunity_id;

-- The pipeline waterfall between from_at and to_at (state just before each), for deals whose
-- expected close date lies in [window_start, window_end) (null window = every open deal), as
-- in 013 and over the scope of 015. One row per deal that was in that pipeline at the start,
-- or is in it at the end, or closed inside it in between: how it entered (entry_kind:
-- 'start' | 'new' = created after from_at | 'pulled_in' = existed but outside the window, or
-- closed, at the start) and how it left (exit_kind: 'in' = still in at the end | 'won' |
-- 'lost' | 'out' = pushed out of the window). Per deal entry_amount + change_amount =
-- exit_amount, so the steps reconcile exactly: start + new + pulled in + increased -
-- decreased - pushed out - won - lost = end. A deal pushed out leaves at its start amount
-- (changes outside the window do not count).
create or replace macro waterfall_moves(
    rep_ids, filter_territory_id, filter_product_id, from_at, to_at, window_start, window_end
) as table
    with at_start as (
        select opportunity_id, stage_id, amount_rc, expected_close_date, created_at
        from analytics_spans(rep_ids, filter_territory_id, filter_product_id)
        where valid_from < from_at and valid_to >= from_at
    ),

    ends as (
        -- each deal's state just before to_at: open (a span covering to_at), or closed inside
        -- [from_at, to_at) (its last span before to_at is that closed instant)
        select
            opportunity_id,
            created_at,
            'open' as end_state,
            stage_id as end_stage_id,
            amount_rc as end_amount,
            expected_close_date as end_close_date
        from analytics_spans(rep_ids, filter_territory_id, filter_product_id)
        where valid_from < to_at and valid_to >= to_at
        union all
        select
            closings.opportunity_id,
            closings.created_at,
            case when closing_stage.is_won then 'won' else 'lost' end,
            closings.stage_id,
            closings.amount_rc,
            closings.stage_entered_at::date
        from analytics_closings(rep_ids, filter_territory_id, filter_product_id) as closings
        inner join stages as closing_stage on closing_stage.stage_id = closings.stage_id
        where closings.valid_from >= from_at and closings.valid_from < to_at
            and closings.next_span_from >= to_at
            and closings.stage_entered_at >= from_at
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
