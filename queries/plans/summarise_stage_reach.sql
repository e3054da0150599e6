-- Stage reach for the subject scope ($subject_kind / $subject_id, as in
-- summarise_scope_deals) among deals the viewer may see ($scope_kind, $scope_rep_id,
-- $scope_team_id) that closed (won or lost) in
-- [$start, $end): one row per open stage of the default pipeline (stage_id, stage_name,
-- sort_order) with how many of those deals reached it. A deal reached a stage when its
-- history shows it at that stage or a later open one (a skipped stage counts as passed); a
-- won deal reached every stage; a deal without history reached the first stage.
with subject_deals as (
    select deals.*
    from scoped_deals(
        $scope_kind,
        $scope_rep_id,
        $scope_team_id,
        case when $subject_kind = 'team' then $subject_id end,
        case when $subject_kind = 'territory' then $subject_id end,
        case when $subject_kind = 'product' then $subject_id end,
        null
    ) as deals
    where ($subject_kind <> 'rep' or deals.owner_rep_id = $subject_id)
        and ($subject_kind <> 'segment' or deals.account_id in (
            select account_id from accounts where segment_id = $subject_id
        ))
),

open_stages as (
    select stage_id, stage_name, sort_order
    from stages
    where pipeline_name = 'default' and not is_won and not is_lost and is_active
),

closed as (
    select opportunity_id, is_won
    from subject_deals
    where (is_won or is_lost) and closed_at >= $start and closed_at < $end
),

furthest as (
    select
        closed.opportunity_id,
        closed.is_won,
        coalesce(
            max(open_stages.sort_order),
            (select min(sort_order) from open_stages)
        ) as furthest_order
    from closed
    left join opportunity_events as events on events.opportunity_id = closed.opportunity_id
    left join open_stages on open_stages.stage_id = events.stage_id
    group by closed.opportunity_id, closed.is_won
),

final as (
    select
        open_stages.stage_id,
        open_stages.stage_name,
        open_stages.sort_order,
        count(furthest.opportunity_id) as reached
    from open_stages
    left join furthest
        on furthest.is_won or furthest.furthest_order >= open_stages.sort_order
    group by open_stages.stage_id, open_stages.stage_name, open_stages.sort_order
)

select * from final
order by sort_order
