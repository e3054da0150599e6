-- The stays behind a time-in-stage figure: one row per deal stay in stage $stage_id, for
-- $state 'completed' (ended in [$start, $end)) or 'current' (still there at $now), with the
-- days spent, longest first, at most $limit rows. Scope and filters as analytics_deals.
with stays as (
    select
        opportunity_id,
        entered_at,
        left_at,
        next_stage_id,
        epoch(
            case when left_at = 'infinity'::timestamp then $now::timestamp else left_at end
            - entered_at
        ) / 86400.0 as days_in_stage
    from analytics_stays(
        $rep_ids, $territory_id, $product_id
    )
    where stage_id = $stage_id
        and case $state
            when 'current' then left_at = 'infinity'::timestamp and entered_at <= $now
            else left_at >= $start and left_at < $end
        end
    order by days_in_stage desc, opportunity_id
    limit $limit
)

select
    stays.opportunity_id,
    opportunities.opportunity_name,
    reps.full_name as owner_name,
    territories.territory_name,
    products.product_name,
    round(stays.days_in_stage, 1) as days_in_stage,
    stays.entered_at,
    case when stays.left_at = 'infinity'::timestamp then null else stays.left_at end as left_at,
    next_stage.stage_name as next_stage,
    opportunities.amount_rc as amount
from stays
inner join opportunities on opportunities.opportunity_id = stays.opportunity_id
inner join reps on reps.rep_id = opportunities.owner_rep_id
left join territories on territories.territory_id = opportunities.territory_id
left join products on products.product_id = opportunities.product_id
left join stages as next_stage on next_stage.stage_id = stays.next_stage_id
order by stays.days_in_stage desc, stays.opportunity_id
