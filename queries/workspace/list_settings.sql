-- Every workspace setting: one row per key.
select setting_key, setting_value from workspace_settings order by setting_key
