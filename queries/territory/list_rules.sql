-- Territory assignment rules as they stand: the latest version of each rule (active or
-- retired), lowest priority number first, with the target territory and owner names.
with latest as (
    select *
    from territory_rules
    qualify row_number() over (partition by rule_id order by version desc) = 1
)

select
    latest.rule_id,
    latest.version,
    latest.priority,
    latest.is_active,
    latest.territory_id,
    territories.territory_name,
    latest.owner_rep_id,
    reps.full_name as owner_name,
    latest.match_country,
    latest.match_state,
    latest.match_segment_id,
    segments.segment_name as match_segment,
    latest.match_industry,
    latest.min_employees,
    latest.max_employees,
    latest.note,
    latest.created_by,
    latest.created_at
from latest
left join territories on territories.territory_id = latest.territory_id
left join reps on reps.rep_id = latest.owner_rep_id
left join segments on segments.segment_id = latest.match_segment_id
order by latest.is_active desc, latest.priority, latest.rule_id
