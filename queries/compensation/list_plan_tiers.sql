-- One row per attainment band of every plan version (or of plan $comp_plan_id when given):
-- band number, floor and ceiling in percent of quota (ceiling null = no upper end), rate.
select plan_id, version, band_no, floor_pct, ceiling_pct, rate
from comp_plan_tiers
where $comp_plan_id is null or plan_id = $comp_plan_id
order by plan_id, version, band_no
