-- One row per compensation plan with its latest version's terms (measure, target incentive,
-- cap, clawback days, draw), how many versions it has, and how many reps have it assigned
-- for the quarter starting $quarter_start.
with latest as (
    select plan_id, max(version) as version, count(*) as versions
    from comp_plan_versions
    group by plan_id
),

assigned as (
    select plan_id, count(*) as reps_assigned
    from (
        select
            plan_id,
            row_number() over (partition by rep_id order by assignment_id desc) as recency
        from comp_assignments
        where period_start = $quarter_start
    ) as current_assignments
    where recency = 1
    group by plan_id
),

final as (
    select
        comp_plans.plan_id,
        comp_plans.plan_name,
        comp_plans.description,
        latest.version,
        latest.versions,
        versions.measure,
        versions.target_incentive,
        versions.cap_multiple,
        versions.clawback_days,
        versions.draw_amount,
        versions.draw_is_recoverable,
        versions.saved_at,
        coalesce(assigned.reps_assigned, 0) as reps_assigned
    from comp_plans
    inner join latest on latest.plan_id = comp_plans.plan_id
    inner join comp_plan_versions as versions
        on versions.plan_id = latest.plan_id and versions.version = latest.version
    left join assigned on assigned.plan_id = comp_plans.plan_id
)

select * from final
order by plan_name
