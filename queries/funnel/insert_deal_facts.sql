-- Rebuilds deal_facts for every deal ($full_rebuild) or the deals in history_refresh_deals:
-- one row per deal, its current figures copied from opportunities, written in closing order
-- with the open deals (no closed_at) last, so "closed in a period" reads few row groups.
insert into deal_facts
select
    opportunity_id,
    account_id,
    owner_rep_id,
    territory_id,
    product_id,
    stage_id,
    lead_source,
    lead_rating,
    amount_rc,
    probability,
    forecast_category,
    discount_pct,
    expected_close_date,
    furthest_stage_order,
    created_at,
    closed_at
from opportunities
where $full_rebuild
    or opportunity_id in (select opportunity_id from history_refresh_deals)
order by closed_at nulls last, opportunity_id
