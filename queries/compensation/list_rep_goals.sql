-- The bookings goal per rep for the quarter [$quarter_start, $quarter_end), the default
-- quota of a plan assignment: one row per rep the viewer may see ($scope_kind, $scope_rep_id,
-- $scope_team_id), optionally only rep $only_rep_id, with the goal (null when none is set).
-- A goal set for a longer or shorter period counts by its days inside the quarter; where
-- goals of several period kinds cover a month for a rep, the finest kind wins in that month
-- (goal_shares).
with spread as (
    select scope_id as rep_id, sum(share) as goal
    from goal_shares('rep', 'bookings', $quarter_start, $quarter_end)
    group by scope_id
),

final as (
    select
        reps.rep_id,
        reps.full_name as rep_name,
        teams.team_name,
        round(spread.goal, 2)::decimal(18, 2) as goal
    from reps
    inner join teams on teams.team_id = reps.team_id
    left join spread on spread.rep_id = reps.rep_id
    where reps.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
        and ($only_rep_id is null or reps.rep_id = $only_rep_id)
)

select * from final
order by rep_name, rep_id
