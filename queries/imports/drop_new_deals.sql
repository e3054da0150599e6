-- Drops the temporary table import_new_deals (the staged new deals of a large file).
drop table if exists import_new_deals
