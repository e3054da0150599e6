-- Appends band $band_no of plan $comp_plan_id version $plan_version: attainment from
-- $floor_pct to $ceiling_pct percent of quota (null = no upper end) paid at $rate.
insert into comp_plan_tiers (plan_id, version, band_no, floor_pct, ceiling_pct, rate)
values ($comp_plan_id, $plan_version, $band_no, $floor_pct, $ceiling_pct, $rate)
