-- Every partner, one row each by name: kind, active deal links (sourced, influenced) and
-- when it was added.
with active_links as (
    select partner_id, involvement
    from deal_partners
    where removed_at is null
)

select
    partners.partner_id,
    partners.partner_name,
    partners.partner_kind,
    count(active_links.partner_id) filter (where active_links.involvement = 'sourced')
        as sourced_deals,
    count(active_links.partner_id) filter (where active_links.involvement = 'influenced')
        as influenced_deals,
    partners.created_at
from partners
left join active_links on active_links.partner_id = partners.partner_id
group by all
order by partners.partner_name
