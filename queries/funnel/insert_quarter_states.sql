-- Writes deal_quarter_states from deal_spans (already rebuilt) for every deal ($full_rebuild)
-- or the deals in history_refresh_deals: each one's state at every quarter start in
-- $quarter_starts (list_state_quarters), in quarter order. (A quarter start the history newly
-- reached gets the other deals' states from insert_quarter_states_at.)
insert into deal_quarter_states
with quarters as (
    select unnest($quarter_starts::timestamp[]) as quarter_start
),

chosen as (
    -- the refreshed deals' spans first (a handful), then the quarters they cover
    select *
    from deal_spans
    where $full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals)
)

select
    quarters.quarter_start,
    chosen.opportunity_id,
    chosen.stage_id,
    chosen.amount_rc,
    chosen.probability,
    chosen.expected_close_date,
    chosen.forecast_category,
    chosen.owner_rep_id,
    chosen.territory_id,
    chosen.product_id
from quarters
inner join chosen
    on chosen.valid_from < quarters.quarter_start and chosen.valid_to >= quarters.quarter_start
order by quarters.quarter_start, chosen.opportunity_id
