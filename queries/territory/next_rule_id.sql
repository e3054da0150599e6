-- A new rule id (one row: rule_id).
select nextval('seq_territory_rules') as rule_id
