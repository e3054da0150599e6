-- Draws $count values from the sequence named $sequence of the embedded file, one row per id
-- (column id) in ascending order (dashboard.db.next_ids; the shared store draws from
-- PostgreSQL's sequence instead).
select nextval($sequence) as id
from range($count)
order by id
