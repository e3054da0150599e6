-- One partner (or none) whose name equals $partner_name, ignoring case and outer spaces.
select partner_id, partner_name, partner_kind
from partners
where lower(trim(partner_name)) = lower(trim($partner_name))
