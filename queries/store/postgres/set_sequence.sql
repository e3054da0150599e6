-- PostgreSQL: moves the sequence named $1 so that $2 is its last value handed out; one row.
-- Both values arrive as text.
select setval($1::text::regclass, $2::text::bigint) as last_value
