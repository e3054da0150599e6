-- The deals already loaded from $source_system, one row per deal: its external id, id,
-- row version, whether it is closed, and when its last change happened.
with last_events as (
    select opportunity_id, max(occurred_at) as last_event_at
    from opportunity_events
    group by opportunity_id
),

final as (
    select
        opportunities.external_id,
        opportunities.opportunity_id,
        opportunities.row_version,
        stages.is_won or stages.is_lost as is_closed,
        greatest(last_events.last_event_at, opportunities.updated_at) as last_event_at
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    left join last_events on last_events.opportunity_id = opportunities.opportunity_id
    where opportunities.source_system = $source_system
        and opportunities.external_id is not null
)

select * from final
