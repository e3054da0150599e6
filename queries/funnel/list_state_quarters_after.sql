-- list_state_quarters for an incremental refresh, without reading every span: the quarter
-- starts deal_quarter_states holds (is_held; read before the refreshed deals' rows go, or a
-- quarter start only they were open at would be lost), widened by the events newer than
-- $through_event_id (the only spans that change; the event ids' order makes them a few row
-- groups). Empty when it holds none (the caller then uses list_state_quarters).
with held as (
    select min(quarter_start) as first_start, max(quarter_start) as last_start
    from deal_quarter_states
),

new_events as (
    select min(occurred_at) as first_at, max(occurred_at) as last_at
    from opportunity_events
    where event_id > $through_event_id
),

bounds as (
    select
        least(held.first_start, date_trunc('quarter', new_events.first_at) + interval 3 month)
            as first_start,
        greatest(held.last_start, date_trunc('quarter', new_events.last_at)) as last_start
    from held, new_events
    where held.first_start is not null
)

select
    quarters.quarter_start,
    quarters.quarter_start between held.first_start and held.last_start as is_held
from (
    select unnest(generate_series(first_start, last_start, interval 3 month))::timestamp
        as quarter_start
    from bounds
) as quarters, held
order by quarters.quarter_start
