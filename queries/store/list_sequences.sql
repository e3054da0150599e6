-- One row per sequence of the workspace: sequence_name, and last_value (the last value it
-- handed out; null when never used). No parameters.
select
    sequence_name,
    last_value
from duckdb_sequences()
where database_name = current_database()
    and schema_name = current_schema()
    and not temporary
order by sequence_name
