-- One row (or none): the product whose SKU is $sku.
select product_id, product_name from products where sku = $sku
