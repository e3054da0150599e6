-- PostgreSQL, run natively when a process attaches the shared store: the tables the store
-- itself needs before any migration (schema_migrations, and store_macros: the DuckDB macro
-- statements each process creates in its own catalog). No parameters.
create table if not exists schema_migrations (
    name varchar primary key,
    checksum varchar not null,
    applied_at timestamp not null default current_timestamp
);
create table if not exists store_macros (
    macro_id bigserial primary key,
    statement_sha256 varchar not null,
    statement text not null,
    created_at timestamp not null default current_timestamp
);
