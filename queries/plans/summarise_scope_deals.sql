-- One row for the subject scope ($subject_kind / $subject_id: company, team subtree, rep,
-- territory subtree, product or segment) over deals closed in [$start, $end) that the viewer
-- may see ($scope_kind, $scope_rep_id, $scope_team_id): won, lost, bookings (sum of won
-- amount_rc), cycle_days_mean and cycle_days_median (days from creation to win, calendar
-- dates, of won deals) and reps_with_wins (distinct owners of those won deals).
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

closed as (
    select
        is_won,
        is_lost,
        amount_rc,
        owner_rep_id,
        date_diff('day', created_at::date, closed_at::date) as cycle_days
    from subject_deals
    where (is_won or is_lost) and closed_at >= $start and closed_at < $end
)

select
    count(*) filter (where is_won) as won,
    count(*) filter (where is_lost) as lost,
    coalesce(sum(amount_rc) filter (where is_won), 0) as bookings,
    avg(cycle_days) filter (where is_won) as cycle_days_mean,
    median(cycle_days) filter (where is_won) as cycle_days_median,
    count(distinct owner_rep_id) filter (where is_won) as reps_with_wins
from closed
