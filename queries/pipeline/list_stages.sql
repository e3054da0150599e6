-- Every stage of the default pipeline, one row each in stage order: name, default
-- probability and forecast category, whether it is won, lost, open and active.
select
    stage_id,
    stage_name,
    sort_order,
    default_probability,
    forecast_category,
    is_won,
    is_lost,
    not is_won and not is_lost as is_open,
    is_active
from stages
where pipeline_name = 'default'
order by sort_order
