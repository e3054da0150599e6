-- Removes saved mapping profiles for the header fingerprint $header_signature (a new profile
-- for the same columns replaces them).
delete from import_profiles where header_signature = $header_signature
