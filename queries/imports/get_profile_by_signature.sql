-- One row (or none): the saved mapping profile for files whose column names have the
-- fingerprint $header_signature.
select profile_name, kind, source, mapping
from import_profiles
where header_signature = $header_signature
order by updated_at desc
limit 1
