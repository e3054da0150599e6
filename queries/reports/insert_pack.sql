-- Creates a draft report pack; returns its pack_id. Params: $pack_kind, $period_label,
-- $period_start, $period_end, $pack_scope_kind, $pack_scope_team_id, $title, $created_by.
insert into report_packs (
    pack_kind, period_label, period_start, period_end, scope_kind, scope_team_id, title,
    created_by
)
values (
    $pack_kind, $period_label, $period_start, $period_end, $pack_scope_kind,
    $pack_scope_team_id, $title, $created_by
)
returning pack_id
