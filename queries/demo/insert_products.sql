-- Products of the demo (from the registered frame demo_products).
insert into products by name
select product_id, sku, product_name, product_family, list_price, is_recurring, is_active
from demo_products
