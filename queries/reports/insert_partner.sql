-- Creates a partner ($partner_name, $partner_kind, $created_by); returns its partner_id.
insert into partners (partner_name, partner_kind, created_by)
values ($partner_name, $partner_kind, $created_by)
returning partner_id
