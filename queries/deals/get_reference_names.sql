-- One row of display names for the references of a deal: stage, owner, account, product,
-- territory (each null when its id is null or unknown), plus the stage's defaults, its
-- sort order and the first and last open stages' sort orders.
with open_stages as (
    select
        min(sort_order) as first_open_order,
        max(sort_order) as last_open_order
    from stages
    where is_active and not is_won and not is_lost
)

select
    stages.stage_name,
    case when stages.is_active then stages.default_probability end as stage_probability,
    stages.forecast_category as stage_forecast_category,
    stages.is_won as stage_is_won,
    stages.is_lost as stage_is_lost,
    stages.sort_order as stage_order,
    open_stages.last_open_order,
    open_stages.first_open_order,
    reps.full_name as owner_name,
    accounts.account_name,
    products.product_name,
    territories.territory_name
from open_stages
left join stages on stages.stage_id = $stage_id
left join reps on reps.rep_id = $owner_rep_id
left join accounts on accounts.account_id = $account_id
left join products on products.product_id = $product_id
left join territories on territories.territory_id = $territory_id
