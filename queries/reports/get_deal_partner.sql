-- One partner link (or none) by $link_id: deal, partner, involvement, and whether removed.
select deal_partners.*, partners.partner_name
from deal_partners
inner join partners on partners.partner_id = deal_partners.partner_id
where deal_partners.link_id = $link_id
