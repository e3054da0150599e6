-- One row: new customers in [$start, $end): accounts whose first won deal in scope
-- ($scope_kind, $scope_rep_id, $scope_team_id) closed in the period.
with first_wins as (
    select account_id, min(closed_at) as first_won_at
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
    where is_won and account_id is not null
    group by account_id
)

select count(*) as new_customers
from first_wins
where first_won_at >= $start and first_won_at < $end
