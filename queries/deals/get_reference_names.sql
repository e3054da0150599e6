-- One row of display names for the references of a deal: stage, owner, account, product,
-- territory (each null when its id is null or unknown), plus the stage's defaults, its
-- sort order and the last open stage's sort order.
select
    (select stage_name from stages where stage_id = $stage_id) as stage_name,
    (select default_probability from stages where stage_id = $stage_id and is_active) as stage_probability,
    (select forecast_category from stages where stage_id = $stage_id) as stage_forecast_category,
    (select is_won from stages where stage_id = $stage_id) as stage_is_won,
    (select is_lost from stages where stage_id = $stage_id) as stage_is_lost,
    (select sort_order from stages where stage_id = $stage_id) as stage_order,
    (select max(sort_order) from stages where is_active and not is_won and not is_lost) as last_open_order,
    (select min(sort_order) from stages where is_active and not is_won and not is_lost) as first_open_order,
    (select full_name from reps where rep_id = $owner_rep_id) as owner_name,
    (select account_name from accounts where account_id = $account_id) as account_name,
    (select product_name from products where product_id = $product_id) as product_name,
    (select territory_name from territories where territory_id = $territory_id) as territory_name
