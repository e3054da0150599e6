-- Creates a compensation plan named $plan_name ($plan_description) by user $saved_by;
-- returns its plan_id. Its terms are added as version 1 by insert_plan_version.
insert into comp_plans (plan_name, description, created_by)
values (trim($plan_name), $plan_description, $saved_by)
returning plan_id
