-- One row per applied migration: name, checksum (sha256 of its text), applied_at; in order.
select
    name,
    checksum,
    applied_at
from schema_migrations
order by name
