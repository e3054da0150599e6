-- Recognition figures per rep for [$range_start, $range_end), for the reps in scope
-- ($scope_kind, $scope_rep_id, $scope_team_id; active reps only): one row per rep with team,
-- bookings and won / lost deal counts (deals closed in the period), the bookings goal (quarter
-- goals inside the period), new accounts (accounts whose first won deal was won in the period
-- by this rep) and activities done in the period.
with visible as (
    select reps.rep_id, reps.full_name, teams.team_name
    from reps
    inner join teams on teams.team_id = reps.team_id
    where reps.is_active
        and reps.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
),

closed as (
    select
        opportunities.owner_rep_id as rep_id,
        count(*) filter (where stages.is_won) as won,
        count(*) filter (where stages.is_lost) as lost,
        coalesce(sum(opportunities.amount_rc) filter (where stages.is_won), 0) as bookings
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    where (stages.is_won or stages.is_lost)
        and opportunities.closed_at >= $range_start
        and opportunities.closed_at < $range_end
        and opportunities.owner_rep_id in (select rep_id from visible)
    group by opportunities.owner_rep_id
),

rep_goals as (
    select scope_id as rep_id, sum(target) as goal
    from goals
    where scope_kind = 'rep'
        and metric = 'bookings'
        and period_kind = 'quarter'
        and period_start >= $range_start
        and period_end <= $range_end
    group by scope_id
),

first_wins as (
    select
        opportunities.account_id,
        arg_min(opportunities.owner_rep_id, (opportunities.closed_at, opportunities.opportunity_id)) as rep_id,
        min(opportunities.closed_at) as first_won_at
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    where stages.is_won and opportunities.account_id is not null
    group by opportunities.account_id
),

new_accounts as (
    select rep_id, count(*) as new_accounts
    from first_wins
    where first_won_at >= $range_start and first_won_at < $range_end
    group by rep_id
),

done_activities as (
    select rep_id, count(*) as activities
    from activities
    where is_done
        and occurred_at >= $range_start
        and occurred_at < $range_end
        and rep_id in (select rep_id from visible)
    group by rep_id
),

final as (
    select
        visible.rep_id,
        visible.full_name as rep_name,
        visible.team_name,
        coalesce(closed.bookings, 0)::decimal(18, 2) as bookings,
        coalesce(closed.won, 0) as won,
        coalesce(closed.lost, 0) as lost,
        rep_goals.goal::decimal(18, 2) as goal,
        coalesce(new_accounts.new_accounts, 0) as new_accounts,
        coalesce(done_activities.activities, 0) as activities
    from visible
    left join closed on closed.rep_id = visible.rep_id
    left join rep_goals on rep_goals.rep_id = visible.rep_id
    left join new_accounts on new_accounts.rep_id = visible.rep_id
    left join done_activities on done_activities.rep_id = visible.rep_id
)

select * from final
order by rep_name, rep_id
