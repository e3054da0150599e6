-- One row for the subject scope ($subject_kind / $subject_id, as in summarise_scope_deals):
-- open deals (now) the viewer may see ($scope_kind, $scope_rep_id, $scope_team_id) whose
-- expected close date falls in [$start, $end):
-- deals, amount (sum of amount_rc) and weighted (sum of amount_rc x probability).
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
)

select
    count(*) as deals,
    coalesce(sum(amount_rc), 0) as amount,
    coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted
from subject_deals
where not is_won and not is_lost
    and expected_close_date >= cast($start as date)
    and expected_close_date < cast($end as date)
