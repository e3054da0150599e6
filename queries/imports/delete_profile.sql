-- Removes the saved mapping profile named $profile_name (no rows when there is none).
delete from import_profiles where profile_name = $profile_name
