-- The deals behind a territory figure, in the territory subtree $territory_id: $kind 'won' /
-- 'lost' (closed in [$start, $end)) or 'open' (open now); the reps in $rep_ids and
-- the $product_id filter as analytics_deals; largest first, at most $limit rows.
with deals as (
    select deals.*
    from analytics_deals(
        $rep_ids, $territory_id, $product_id
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    where case $kind
        when 'won' then stages.is_won and deals.closed_at >= $start and deals.closed_at < $end
        when 'lost' then stages.is_lost and deals.closed_at >= $start and deals.closed_at < $end
        when 'open' then not stages.is_won and not stages.is_lost
        else false
    end
    order by deals.amount_rc desc, deals.opportunity_id
    limit $limit
)

select
    deals.opportunity_id,
    deals.opportunity_name,
    accounts.account_name,
    reps.full_name as owner_name,
    territories.territory_name,
    products.product_name,
    stages.stage_name,
    deals.amount_rc as amount,
    deals.probability,
    deals.expected_close_date,
    deals.created_at,
    deals.closed_at
from deals
inner join stages on stages.stage_id = deals.stage_id
inner join reps on reps.rep_id = deals.owner_rep_id
left join accounts on accounts.account_id = deals.account_id
left join territories on territories.territory_id = deals.territory_id
left join products on products.product_id = deals.product_id
order by deals.amount_rc desc, deals.opportunity_id
