-- PostgreSQL: $2 new values (one row each, column id) drawn from the sequence named $1.
-- Both values arrive as text.
select nextval($1::text::regclass) as id from generate_series(1, $2::text::integer)
