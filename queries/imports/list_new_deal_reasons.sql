-- Why each staged new deal cannot be created, one row per staged deal in file order (reason
-- null when it can), from the temporary table import_new_deals.
select seq, reason
from import_new_deals
order by seq
