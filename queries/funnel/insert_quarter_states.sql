-- Writes deal_quarter_states from deal_spans (already rebuilt) for every quarter start after
-- the first event's quarter up to the latest event: every deal's state ($full_rebuild, and
-- for quarter starts after $captured_through, which the history has newly reached), else the
-- states of the deals in history_refresh_deals; in quarter order.
insert into deal_quarter_states
with bounds as (
    select min(valid_from) as first_at, max(valid_from) as last_at
    from deal_spans
),

quarters as (
    select unnest(generate_series(
        date_trunc('quarter', first_at) + interval 3 month, last_at, interval 3 month
    ))::timestamp as quarter_start
    from bounds
)

select
    quarters.quarter_start,
    spans.opportunity_id,
    spans.stage_id,
    spans.amount_rc,
    spans.probability,
    spans.expected_close_date,
    spans.forecast_category,
    spans.owner_rep_id,
    spans.territory_id,
    spans.product_id
from quarters
inner join deal_spans as spans
    on spans.valid_from < quarters.quarter_start and spans.valid_to >= quarters.quarter_start
where $full_rebuild
    or quarters.quarter_start > coalesce($captured_through, '-infinity'::timestamp)
    or spans.opportunity_id in (select opportunity_id from history_refresh_deals)
order by quarters.quarter_start, spans.opportunity_id
