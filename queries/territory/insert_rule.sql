-- Appends version $version of rule $rule_id: accounts matching every given condition
-- ($match_country, $match_state, $match_segment_id, $match_industry, $min_employees,
-- $max_employees; null = any) belong to $territory_id (and to $owner_rep_id when set); the
-- lowest $priority wins; $is_active false retires the rule. Who and when: $created_by,
-- $created_at; $note says why.
insert into territory_rules (
    rule_id, version, priority, territory_id, owner_rep_id, match_country, match_state,
    match_segment_id, match_industry, min_employees, max_employees, is_active, note,
    created_by, created_at
)
values (
    $rule_id, $version, $priority, $territory_id, $owner_rep_id, $match_country, $match_state,
    $match_segment_id, $match_industry, $min_employees, $max_employees, $is_active, $note,
    $created_by, $created_at
)
