-- Every product, one row per product: id, name and SKU (for matching product names).
select product_id, product_name, sku
from products
order by product_id
