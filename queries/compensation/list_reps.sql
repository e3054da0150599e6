-- One row per rep the viewer may see ($scope_kind, $scope_rep_id, $scope_team_id): name,
-- team, the team's parent (region), annual base salary, whether active, and the user id of a
-- rep account linked to the rep (null when none).
with rep_accounts as (
    select rep_id, min(user_id) as user_id
    from users
    where role = 'rep' and rep_id is not null
    group by rep_id
),

final as (
    select
        reps.rep_id,
        reps.full_name as rep_name,
        reps.team_id,
        teams.team_name,
        regions.team_name as region_name,
        reps.base_salary,
        reps.is_active,
        rep_accounts.user_id
    from reps
    inner join teams on teams.team_id = reps.team_id
    left join teams as regions on regions.team_id = teams.parent_team_id
    left join rep_accounts on rep_accounts.rep_id = reps.rep_id
    where reps.rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
)

select * from final
order by team_name, rep_name, rep_id
