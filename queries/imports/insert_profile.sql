-- Saves one mapping profile: $profile_name for files with header fingerprint
-- $header_signature, records of $kind from $source, the $mapping JSON, saved by $created_by.
insert into import_profiles (
    profile_name, header_signature, kind, source, mapping, created_by, created_at, updated_at
)
values (
    $profile_name, $header_signature, $kind, $source, $mapping, $created_by,
    current_timestamp, current_timestamp
)
