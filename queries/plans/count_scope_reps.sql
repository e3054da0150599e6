-- One row (reps): the headcount of the subject scope the viewer may see: active reps of the
-- company, of a team's subtree, or the rep ($subject_kind / $subject_id); for a territory,
-- product or segment, the reps who won deals there in [$start, $end). Viewer scope:
-- $scope_kind, $scope_rep_id, $scope_team_id.
with viewer_reps as (
    select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
),

subject_deals as (
    select deals.*
    from scoped_deals(
        $scope_kind,
        $scope_rep_id,
        $scope_team_id,
        null,
        case when $subject_kind = 'territory' then $subject_id end,
        case when $subject_kind = 'product' then $subject_id end,
        null
    ) as deals
    where $subject_kind in ('territory', 'product', 'segment')
        and ($subject_kind <> 'segment' or deals.account_id in (
            select account_id from accounts where segment_id = $subject_id
        ))
)

select case $subject_kind
    when 'company' then (
        select count(*) from reps
        where is_active and rep_id in (select rep_id from viewer_reps)
    )
    when 'team' then (
        select count(*) from reps
        where is_active
            and rep_id in (select rep_id from viewer_reps)
            and rep_id in (select rep_id from visible_reps('team', null, $subject_id))
    )
    when 'rep' then (
        select count(*) from reps
        where rep_id = $subject_id and rep_id in (select rep_id from viewer_reps)
    )
    else (
        select count(distinct owner_rep_id) from subject_deals
        where is_won and closed_at >= $start and closed_at < $end
    )
end as reps
