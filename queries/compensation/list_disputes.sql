-- Disputes on statement lines of reps the viewer may see ($scope_kind, $scope_rep_id,
-- $scope_team_id), for quarters starting in [$range_start, $range_end), optionally only rep
-- $only_rep_id (null = all) and only dispute $only_dispute_id (null = all): one row per
-- dispute with the rep, the line, the comment and who raised it, and the reply when resolved.
select
    disputes.dispute_id,
    disputes.rep_id,
    reps.full_name as rep_name,
    disputes.period_start,
    disputes.line_key,
    disputes.line_description,
    disputes.line_amount,
    disputes.statement_id,
    disputes.comment,
    raisers.display_name as raised_by_name,
    disputes.raised_at,
    case when replies.reply_id is null then 'open' else 'resolved' end as status,
    replies.outcome,
    replies.reply,
    repliers.display_name as replied_by_name,
    replies.replied_at
from comp_disputes as disputes
inner join reps on reps.rep_id = disputes.rep_id
left join users as raisers on raisers.user_id = disputes.raised_by
left join comp_dispute_replies as replies on replies.dispute_id = disputes.dispute_id
left join users as repliers on repliers.user_id = replies.replied_by
where disputes.period_start >= $range_start
    and disputes.period_start < $range_end
    and disputes.rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
    and ($only_rep_id is null or disputes.rep_id = $only_rep_id)
    and ($only_dispute_id is null or disputes.dispute_id = $only_dispute_id)
order by disputes.raised_at desc, disputes.dispute_id desc
