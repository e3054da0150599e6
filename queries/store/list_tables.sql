-- One row per table of the workspace (table_name), in name order. No parameters.
select table_name
from duckdb_tables()
where database_name = current_database()
    and schema_name = current_schema()
    and not temporary
order by table_name
