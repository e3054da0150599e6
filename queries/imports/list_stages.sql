-- Every stage of the default pipeline, one row per stage in pipeline order, with its
-- defaults and won/lost meaning (for mapping source stages).
select
    stage_id,
    stage_name,
    sort_order,
    default_probability,
    forecast_category,
    is_won,
    is_lost,
    is_active
from stages
where pipeline_name = 'default'
order by sort_order
