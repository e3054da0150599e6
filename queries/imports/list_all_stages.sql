-- Every stage of every pipeline, one row per stage: what dashboard.deals looks up by stage id
-- (name, default probability and forecast category, won/lost, order, active).
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
order by stage_id
