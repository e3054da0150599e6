-- Sets workspace setting $key to $value.
insert or replace into workspace_settings (setting_key, setting_value) values ($key, $value)
