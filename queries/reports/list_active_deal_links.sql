-- The partner links of deal $opportunity_id not removed, one row each: link id, partner id
-- and name, involvement.
select deal_partners.link_id, deal_partners.partner_id, partners.partner_name, deal_partners.involvement
from deal_partners
inner join partners on partners.partner_id = deal_partners.partner_id
where deal_partners.opportunity_id = $opportunity_id and deal_partners.removed_at is null
order by deal_partners.link_id
