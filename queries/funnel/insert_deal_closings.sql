-- Rebuilds deal_closings from deal_spans (already rebuilt) for every deal ($full_rebuild) or
-- the deals in history_refresh_deals: one row per closed (won or lost) instant, with when the
-- deal's next span starts (a reopening or a later closed instant; 'infinity' for its last
-- span), in closing order.
insert into deal_closings
with timed as (
    select
        deal_spans.*,
        lead(valid_from, 1, 'infinity'::timestamp) over (
            partition by opportunity_id order by valid_from
        ) as next_span_from
    from deal_spans
    where $full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals)
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
order by valid_from, opportunity_id
