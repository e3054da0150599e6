-- One activity (or none) by $activity_id, when its deal's owner (for an activity without a
-- deal: its rep) is in the viewer's scope ($scope_kind, $scope_rep_id, $scope_team_id).
select
    activities.activity_id,
    activities.opportunity_id,
    activities.activity_type,
    activities.subject,
    activities.due_date,
    activities.is_done,
    opportunities.opportunity_name
from activities
left join opportunities on opportunities.opportunity_id = activities.opportunity_id
where activities.activity_id = $activity_id
    and coalesce(opportunities.owner_rep_id, activities.rep_id) in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
