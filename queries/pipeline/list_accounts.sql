-- Accounts to pick for a deal: up to $limit rows whose name contains $search_text (any case,
-- not a pattern; every account when it is empty), one row each with its territory and
-- owner. Accounts owned by reps in the viewer's scope ($scope_kind, $scope_rep_id,
-- $scope_team_id) come first, then by name.
select
    accounts.account_id,
    accounts.account_name,
    accounts.territory_id,
    reps.full_name as owner_name,
    accounts.owner_rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    ) as is_in_scope
from accounts
left join reps on reps.rep_id = accounts.owner_rep_id
where $search_text is null
    or trim($search_text) = ''
    or contains(lower(accounts.account_name), lower(trim($search_text)))
order by is_in_scope desc nulls last, accounts.account_name, accounts.account_id
limit $limit
