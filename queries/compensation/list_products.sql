-- Every active product (product_id, product_name, product_family), for SPIFF rules.
select product_id, product_name, product_family
from products
where is_active
order by product_name
