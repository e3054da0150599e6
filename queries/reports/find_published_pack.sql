-- The newest published pack (or none) of kind $pack_kind for period $period_label and scope
-- ($pack_scope_kind, $pack_scope_team_id).
select pack_id
from report_packs
where pack_kind = $pack_kind
    and period_label = $period_label
    and scope_kind = $pack_scope_kind
    and scope_team_id is not distinct from $pack_scope_team_id
    and status = 'published'
order by pack_id desc
limit 1
