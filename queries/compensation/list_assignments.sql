-- The plan assignment that applies per rep and quarter (the latest one saved), for quarters
-- starting in [$range_start, $range_end), for the reps the viewer may see ($scope_kind,
-- $scope_rep_id, $scope_team_id), optionally only rep $only_rep_id (null = all): one row per
-- rep and quarter with the rep's name, team and base salary, the plan version, the quota,
-- where the quota came from, and who assigned it when.
with latest as (
    select
        *,
        row_number() over (
            partition by rep_id, period_start order by assignment_id desc
        ) as recency
    from comp_assignments
    where period_start >= $range_start and period_start < $range_end
),

final as (
    select
        latest.assignment_id,
        latest.rep_id,
        reps.full_name as rep_name,
        teams.team_name,
        reps.base_salary,
        latest.period_start,
        latest.period_end,
        latest.plan_id,
        comp_plans.plan_name,
        latest.plan_version,
        latest.quota,
        latest.quota_source,
        latest.note,
        latest.assigned_at,
        users.display_name as assigned_by_name
    from latest
    inner join reps on reps.rep_id = latest.rep_id
    inner join teams on teams.team_id = reps.team_id
    inner join comp_plans on comp_plans.plan_id = latest.plan_id
    left join users on users.user_id = latest.assigned_by
    where latest.recency = 1
        and latest.rep_id in (
            select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
        )
        and ($only_rep_id is null or latest.rep_id = $only_rep_id)
)

select * from final
order by period_start, rep_name, rep_id
