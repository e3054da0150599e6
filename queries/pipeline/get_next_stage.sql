-- One row (or none): the stage that follows stage $stage_id in its pipeline, i.e. the next
-- active stage by sort order that is not a lost stage (after the last open stage comes the
-- won stage). None when $stage_id is won or lost, or unknown.
select
    next_stage.stage_id,
    next_stage.stage_name,
    next_stage.is_won
from stages as current_stage
inner join stages as next_stage
    on next_stage.pipeline_name = current_stage.pipeline_name
    and next_stage.sort_order > current_stage.sort_order
where current_stage.stage_id = $stage_id
    and not current_stage.is_won
    and not current_stage.is_lost
    and next_stage.is_active
    and not next_stage.is_lost
order by next_stage.sort_order
limit 1
