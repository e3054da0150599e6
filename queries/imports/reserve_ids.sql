-- Draws $count values from the sequence $sequence, one row per id in ascending order, so a
-- set-based insert can write the ids a row-by-row insert would have got.
select nextval($sequence) as id
from range($count)
order by id
