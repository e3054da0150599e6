-- Overdue follow-up tasks: one row per follow-up not done whose due_date is before $today,
-- for deals whose owner (for a task without a deal: its rep) is in the viewer's scope
-- ($scope_kind, $scope_rep_id, $scope_team_id); oldest due first, at most $limit rows, each
-- with total_overdue = how many there are in all.
with overdue as (
    select
        activities.activity_id,
        activities.due_date,
        date_diff('day', activities.due_date, cast($today as date)) as days_overdue,
        activities.subject,
        activities.opportunity_id,
        opportunities.opportunity_name,
        accounts.account_name,
        reps.rep_id as owner_rep_id,
        reps.full_name as owner_name,
        teams.team_name
    from activities
    left join opportunities on opportunities.opportunity_id = activities.opportunity_id
    inner join reps on reps.rep_id = coalesce(opportunities.owner_rep_id, activities.rep_id)
    inner join teams on teams.team_id = reps.team_id
    left join accounts
        on accounts.account_id = coalesce(opportunities.account_id, activities.account_id)
    where activities.activity_type = 'follow_up'
        and not activities.is_done
        and activities.due_date < cast($today as date)
        and reps.rep_id in (
            select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
        )
),

final as (
    select *, count(*) over () as total_overdue
    from overdue
)

select * from final
order by due_date, activity_id
limit $limit
