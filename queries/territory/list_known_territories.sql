-- Which of the territory ids in $territory_ids exist (one row per existing id).
select territory_id
from territories
where territory_id in (select unnest($territory_ids::integer[]))
