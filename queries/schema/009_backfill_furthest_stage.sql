-- 009_backfill_furthest_stage: deals written before 002 have no furthest_stage_order; derive it
-- from their event history with the rule every write applies (dashboard.deals._furthest): a
-- win has passed every open stage, an open stage raises it, a loss keeps it (a deal lost
-- before any open stage counts as having reached the first).
update opportunities
set furthest_stage_order = reached.furthest
from (
    select
        events.opportunity_id,
        case
            when bool_or(stages.is_won) then (select max(sort_order) from stages where not is_won and not is_lost)
            else coalesce(
                max(stages.sort_order) filter (where not stages.is_lost),
                (select min(sort_order) from stages where not is_won and not is_lost)
            )
        end as furthest
    from opportunity_events as events
    inner join stages on stages.stage_id = events.stage_id
    group by events.opportunity_id
) as reached
where opportunities.opportunity_id = reached.opportunity_id
    and opportunities.furthest_stage_order is null;
