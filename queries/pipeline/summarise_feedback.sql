-- Customer feedback per deal owner: one row per rep in the viewer's scope ($scope_kind,
-- $scope_rep_id, $scope_team_id) with at least one response, with responses, the sum and
-- average of the scores (1-5), low scores (1 or 2) and the latest response time; most
-- responses first.
select
    reps.rep_id,
    reps.full_name as owner_name,
    teams.team_name,
    count(*) as responses,
    sum(customer_feedback.score) as score_total,
    round(avg(customer_feedback.score), 2) as average_score,
    count(*) filter (where customer_feedback.score <= 2) as low_scores,
    max(customer_feedback.received_at) as last_received_at
from customer_feedback
inner join opportunities on opportunities.opportunity_id = customer_feedback.opportunity_id
inner join reps on reps.rep_id = opportunities.owner_rep_id
inner join teams on teams.team_id = reps.team_id
where opportunities.owner_rep_id in (
    select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
)
group by reps.rep_id, reps.full_name, teams.team_name
order by responses desc, owner_name
