-- PostgreSQL: every DuckDB macro statement the migrations defined, oldest first (statement).
-- No parameters.
select statement from store_macros order by macro_id
