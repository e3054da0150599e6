-- Saved import mapping profiles, one row per profile, newest first: name, kind, source and
-- when it was saved.
select
    profile_name,
    kind,
    source,
    header_signature,
    created_at,
    updated_at
from import_profiles
order by updated_at desc, profile_name
