-- The customer feedback on deal $opportunity_id, newest first, one row per response with who
-- entered it. None when the deal is outside the viewer's scope ($scope_kind, $scope_rep_id,
-- $scope_team_id).
select
    customer_feedback.feedback_id,
    customer_feedback.received_at,
    customer_feedback.score,
    customer_feedback.comment,
    users.display_name as entered_by
from customer_feedback
inner join opportunities on opportunities.opportunity_id = customer_feedback.opportunity_id
left join users on users.user_id = customer_feedback.created_by
where customer_feedback.opportunity_id = $opportunity_id
    and opportunities.owner_rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
order by customer_feedback.received_at desc, customer_feedback.feedback_id desc
