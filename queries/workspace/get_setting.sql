-- One row (setting_value) for workspace setting $key, none when unset.
select setting_value from workspace_settings where setting_key = $key
