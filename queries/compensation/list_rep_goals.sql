-- The bookings goal per rep for the quarter [$quarter_start, $quarter_end), the default
-- quota of a plan assignment: one row per rep the viewer may see ($scope_kind, $scope_rep_id,
-- $scope_team_id), optionally only rep $only_rep_id, with the goal (null when none is set).
-- A goal set for a longer or shorter period counts by its days inside the quarter; where
-- goals of several period kinds exist for a rep, the finest kind wins.
with rep_goals as (
    select
        scope_id as rep_id,
        target,
        period_start,
        period_end,
        dense_rank() over (
            partition by scope_id
            order by case period_kind when 'month' then 1 when 'quarter' then 2 else 3 end
        ) as kind_rank
    from goals
    where scope_kind = 'rep'
        and metric = 'bookings'
        and period_start < $quarter_end
        and period_end > $quarter_start
),

spread as (
    select
        rep_id,
        sum(
            target
            * date_diff(
                'day',
                greatest(period_start, cast($quarter_start as date)),
                least(period_end, cast($quarter_end as date))
            )
            / date_diff('day', period_start, period_end)
        ) as goal
    from rep_goals
    where kind_rank = 1
    group by rep_id
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
