-- The activities of deal $opportunity_id, newest first, one row each with who logged it and,
-- for a completed follow-up task, who completed it and when. None when the deal is outside
-- the viewer's scope ($scope_kind, $scope_rep_id, $scope_team_id).
select
    activities.activity_id,
    activities.activity_type,
    activities.occurred_at,
    activities.subject,
    activities.notes,
    activities.due_date,
    activities.is_done,
    activities.done_at,
    completer.display_name as done_by_name,
    reps.full_name as rep_name,
    creator.display_name as logged_by_name
from activities
inner join opportunities on opportunities.opportunity_id = activities.opportunity_id
left join reps on reps.rep_id = activities.rep_id
left join users as creator on creator.user_id = activities.created_by
left join users as completer on completer.user_id = activities.done_by
where activities.opportunity_id = $opportunity_id
    and opportunities.owner_rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
order by activities.occurred_at desc, activities.activity_id desc
