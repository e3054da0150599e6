-- PostgreSQL: one row per sequence of the current schema: sequence_name, last_value (the last
-- value handed out; null when never used), leaving out the store's own bookkeeping sequence.
-- No parameters.
select
    sequencename::text as sequence_name,
    last_value
from pg_sequences
where schemaname = current_schema()
    and sequencename <> 'store_macros_macro_id_seq'
order by sequencename
