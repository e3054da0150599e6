-- The latest version of rule $rule_id (no row when there is none).
select *
from territory_rules
where rule_id = $rule_id
order by version desc
limit 1
