-- Links partner $partner_id to deal $opportunity_id as $involvement ('sourced' or
-- 'influenced') with $note, by $created_by; returns the link_id.
insert into deal_partners (opportunity_id, partner_id, involvement, note, created_by)
values ($opportunity_id, $partner_id, $involvement, $note, $created_by)
returning link_id
