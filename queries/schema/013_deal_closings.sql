-- 013_deal_closings: the waterfall's closings without grouping. "The latest closing of each
-- deal between two instants" grouped half a million deals per call at 10M deals (and read
-- every short span of the range to find the closings among them). deal_closings holds each
-- closed (won or lost) instant of deal_spans with the instant of the deal's next one, so the
-- latest closing in [from_at, to_at) is the one whose next closing is not before to_at: a
-- filter on a table in closing order.
--
-- Derived like deal_spans (006) and deal_facts (010): rebuilt by
-- dashboard.funnel.refresh_history, for the refreshed deals, right after their deal_spans;
-- filled here from deal_spans so a workspace with a current history needs no rebuild.

create table deal_closings (
    opportunity_id bigint not null,
    valid_from timestamp not null,          -- the closed instant (deal_spans.valid_from)
    next_valid_from timestamp not null,     -- the deal's next closed instant, else 'infinity'
    stage_id integer not null,
    stage_entered_at timestamp not null,    -- when the deal closed
    amount_rc decimal(18, 2) not null,
    owner_rep_id integer not null,
    territory_id integer,
    product_id integer,
    created_at timestamp not null
);

insert into deal_closings
select
    opportunity_id,
    valid_from,
    lead(valid_from, 1, 'infinity'::timestamp) over (
        partition by opportunity_id order by valid_from
    ) as next_valid_from,
    stage_id,
    stage_entered_at,
    amount_rc,
    owner_rep_id,
    territory_id,
    product_id,
    created_at
from deal_spans
where valid_to = valid_from
order by valid_from, opportunity_id;

-- The same scope and filters over deal_closings (as analytics_spans).
create macro analytics_closings(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select deal_closings.*
    from deal_closings
    inner join analytics_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = deal_closings.owner_rep_id
    where (filter_territory_id is null
            or list_contains(
                analytics_territories(filter_territory_id), deal_closings.territory_id
            ))
        and (filter_product_id is null or deal_closings.product_id = filter_product_id);

-- The pipeline waterfall between from_at and to_at (state just before each), for deals whose
-- expected close date lies in [window_start, window_end) (null window = every open deal).
-- One row per deal that was in that pipeline at the start, or is in it at the end, or closed
-- inside it in between: how it entered (entry_kind: 'start' | 'new' = created after from_at |
-- 'pulled_in' = existed but outside the window, or closed, at the start) and how it left
-- (exit_kind: 'in' = still in at the end | 'won' | 'lost' | 'out' = pushed out of the window).
-- Per deal entry_amount + change_amount = exit_amount, so the steps reconcile exactly:
-- start + new + pulled in + increased - decreased - pushed out - won - lost = end.
-- A deal pushed out leaves at its start amount (changes outside the window do not count).
-- Reads only open spans covering from_at or to_at and the closings between them (013:
-- from deal_closings, the latest per deal picked by its next closing, not by grouping).
create or replace macro waterfall_moves(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id, from_at, to_at, window_start, window_end
) as table
    with at_start as (
        select opportunity_id, stage_id, amount_rc, expected_close_date, created_at
        from analytics_spans(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        )
        where valid_from < from_at and valid_to >= from_at
    ),

    open_end as (
        select opportunity_id, stage_id, amount_rc, expected_close_date, created_at
        from analytics_spans(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        )
        where valid_from < to_at and valid_to >= to_at
    ),

    closings as (
        -- the latest closing (won or lost instant) of each deal between from_at and to_at:
        -- the one whose next closing is not before to_at (deal_closings, in closing order)
        select
            closings.opportunity_id,
            closings.stage_id,
            closings.amount_rc,
            closings.stage_entered_at as closed_at,
            closings.created_at
        from analytics_closings(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id
        ) as closings
        where closings.valid_from >= from_at and closings.valid_from < to_at
            and closings.next_valid_from >= to_at
    ),

    ends as (
        select
            coalesce(open_end.opportunity_id, closings.opportunity_id) as opportunity_id,
            coalesce(open_end.created_at, closings.created_at) as created_at,
            case
                when open_end.opportunity_id is not null then 'open'
                when closing_stage.is_won then 'won'
                else 'lost'
            end as end_state,
            coalesce(open_end.stage_id, closings.stage_id) as end_stage_id,
            coalesce(open_end.amount_rc, closings.amount_rc) as end_amount,
            coalesce(open_end.expected_close_date, closings.closed_at::date) as end_close_date
        from open_end
        full outer join closings on closings.opportunity_id = open_end.opportunity_id
        left join stages as closing_stage on closing_stage.stage_id = closings.stage_id
        where open_end.opportunity_id is not null or closings.closed_at >= from_at
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
