-- The deals behind a funnel figure: deals of the cohort ($cohort 'created' or 'closed' in
-- [$start, $end)) that reached open stage $stage_order ($kind 'reached'), were lost at it
-- ('dropped') or are still open at it ('stalled'); optionally only slice $slice_key of
-- $slice_by (null = every slice). Largest first, at most $limit rows.
-- Scope and filters as analytics_deals.
with deals as (
    select
        deals.*,
        deal_stage.is_won,
        deal_stage.is_lost
    from analytics_deals(
        $rep_ids, $territory_id, $product_id
    ) as deals
    inner join stages as deal_stage on deal_stage.stage_id = deals.stage_id
    where case when $cohort = 'closed' then deals.closed_at else deals.created_at end >= $start
        and case when $cohort = 'closed' then deals.closed_at else deals.created_at end < $end
        and case $kind
            when 'reached' then deals.furthest_stage_order >= $stage_order
            when 'dropped' then deals.furthest_stage_order = $stage_order and deal_stage.is_lost
            when 'stalled' then deals.furthest_stage_order = $stage_order
                and not deal_stage.is_won and not deal_stage.is_lost
            else false
        end
),

named as (
    select
        deals.opportunity_id,
        deals.opportunity_name,
        reps.full_name as owner_name,
        teams.team_name,
        territories.territory_name,
        products.product_name,
        current_stage.stage_name,
        deals.lead_rating,
        deals.lead_source,
        deals.amount_rc as amount,
        deals.furthest_stage_order,
        deals.expected_close_date,
        deals.created_at,
        deals.closed_at,
        deals.loss_reason,
        coalesce(
            case $slice_by
                when 'owner' then reps.full_name
                when 'team' then teams.team_name
                when 'territory' then territories.territory_name
                when 'product' then products.product_name
                when 'source' then deals.lead_source
                when 'rating' then deals.lead_rating
                when 'cohort' then strftime(deals.created_at, '%Y-%m')
                else 'All'
            end,
            '(none)'
        ) as slice_key
    from deals
    inner join stages as current_stage on current_stage.stage_id = deals.stage_id
    inner join reps on reps.rep_id = deals.owner_rep_id
    inner join teams on teams.team_id = reps.team_id
    left join territories on territories.territory_id = deals.territory_id
    left join products on products.product_id = deals.product_id
)

select * exclude (slice_key)
from named
where $slice_key is null or slice_key = $slice_key
order by amount desc, opportunity_id
limit $limit
