-- Appends SPIFF $spiff_no ($spiff_name) of plan $comp_plan_id version $plan_version: for
-- deals of product $product_id (null = any) won in [$starts_on, $ends_on) (null = open),
-- $amount_per_deal per deal plus $pct_of_amount percent of the deal amount.
insert into comp_spiffs (
    plan_id, version, spiff_no, spiff_name, product_id, starts_on, ends_on, amount_per_deal,
    pct_of_amount
)
values (
    $comp_plan_id, $plan_version, $spiff_no, $spiff_name, $product_id, $starts_on, $ends_on,
    $amount_per_deal, $pct_of_amount
)
