-- Rebuilds deal_closings from deal_spans (already rebuilt) for every deal ($full_rebuild) or
-- the deals in history_refresh_deals: one row per closed (won or lost) instant, with the
-- deal's next closed instant ('infinity' for its latest), in closing order.
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
    and ($full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals))
order by valid_from, opportunity_id
