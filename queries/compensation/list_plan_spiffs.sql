-- One row per SPIFF of every plan version (or of plan $comp_plan_id when given): its number,
-- name, product (id and name, null = any product), window [starts_on, ends_on) and bonus.
select
    comp_spiffs.plan_id,
    comp_spiffs.version,
    comp_spiffs.spiff_no,
    comp_spiffs.spiff_name,
    comp_spiffs.product_id,
    products.product_name,
    comp_spiffs.starts_on,
    comp_spiffs.ends_on,
    comp_spiffs.amount_per_deal,
    comp_spiffs.pct_of_amount
from comp_spiffs
left join products on products.product_id = comp_spiffs.product_id
where $comp_plan_id is null or comp_spiffs.plan_id = $comp_plan_id
order by comp_spiffs.plan_id, comp_spiffs.version, comp_spiffs.spiff_no
