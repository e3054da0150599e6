-- Creates one product $product_name ($sku) in $product_family at $list_price; returns its
-- product_id.
insert into products (sku, product_name, product_family, list_price)
values ($sku, $product_name, $product_family, $list_price)
returning product_id
