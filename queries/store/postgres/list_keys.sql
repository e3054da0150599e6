-- PostgreSQL: one row per table of the current schema whose primary key is one column:
-- table_name, column_name, column_default (e.g. nextval('seq_users'::regclass)). No parameters.
select
    tables.relname::text as table_name,
    columns.attname::text as column_name,
    pg_get_expr(defaults.adbin, defaults.adrelid)::text as column_default
from pg_index as keys
inner join pg_class as tables on tables.oid = keys.indrelid
inner join pg_namespace as schemas on schemas.oid = tables.relnamespace
inner join pg_attribute as columns
    on columns.attrelid = tables.oid and columns.attnum = keys.indkey[0]
left join pg_attrdef as defaults
    on defaults.adrelid = tables.oid and defaults.adnum = columns.attnum
where keys.indisprimary
    and keys.indnatts = 1
    and schemas.nspname = current_schema()
