-- Rebuilds deal_spans for every deal ($full_rebuild) or the deals in history_refresh_deals:
-- one row per event that is the last at its instant, an open state valid until the deal's
-- next event ('infinity' for the latest), a won or lost state as an instant (valid_to =
-- valid_from); with when the deal entered the span's stage, and the deal's
-- current scope fields. Rows are written by span length class (up to 14 days, 60 days, a
-- year, longer or still open) and then valid_from, so each row group holds spans of similar
-- length that started close together: "open at a date" reads only the row groups whose
-- [min valid_from, max valid_to] covers that date, a few weeks of spans instead of a year.
insert into deal_spans
with events as (
    select
        opportunity_id,
        event_id,
        occurred_at,
        stage_id,
        amount_rc,
        probability,
        expected_close_date,
        forecast_category
    from opportunity_events
    where $full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals)
),

timed as (
    select
        events.*,
        lead(occurred_at, 1, 'infinity'::timestamp) over deal_order as valid_to
    from events
    window deal_order as (partition by opportunity_id order by occurred_at, event_id)
),

kept as (
    -- several events at one instant (one per changed field): the last holds the state
    select *
    from timed
    where valid_to > occurred_at
),

marked as (
    select
        kept.*,
        case
            when lag(stage_id) over deal_order is distinct from stage_id then occurred_at
        end as stage_change_at
    from kept
    window deal_order as (partition by opportunity_id order by occurred_at, event_id)
),

final as (
    select
        marked.opportunity_id,
        marked.occurred_at as valid_from,
        case when span_stage.is_won or span_stage.is_lost then marked.occurred_at else marked.valid_to end
            as valid_to,
        marked.stage_id,
        max(marked.stage_change_at) over (
            partition by marked.opportunity_id order by marked.occurred_at, marked.event_id
            rows between unbounded preceding and current row
        ) as stage_entered_at,
        marked.amount_rc,
        marked.probability,
        marked.expected_close_date,
        marked.forecast_category,
        opportunities.owner_rep_id,
        opportunities.territory_id,
        opportunities.product_id,
        opportunities.lead_source,
        opportunities.lead_rating,
        opportunities.created_at
    from marked
    inner join opportunities on opportunities.opportunity_id = marked.opportunity_id
    inner join stages as span_stage on span_stage.stage_id = marked.stage_id
)

select
    opportunity_id,
    valid_from,
    valid_to,
    stage_id,
    stage_entered_at,
    amount_rc,
    probability,
    expected_close_date,
    forecast_category,
    owner_rep_id,
    territory_id,
    product_id,
    lead_source,
    lead_rating,
    created_at
from final
order by
    case
        when valid_to <= valid_from + interval 14 day then 0
        when valid_to <= valid_from + interval 60 day then 1
        when valid_to <= valid_from + interval 365 day then 2
        else 3
    end,
    valid_from
