-- The quarter starts deal_quarter_states covers: every quarter start after the first event's
-- quarter up to the latest event (from deal_spans), in order.
with bounds as (
    select min(valid_from) as first_at, max(valid_from) as last_at
    from deal_spans
)

select unnest(generate_series(
    date_trunc('quarter', first_at) + interval 3 month, last_at, interval 3 month
))::timestamp as quarter_start
from bounds
order by quarter_start
