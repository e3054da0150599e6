-- The scopes inside the team subtree of $scope_team_id: one row per team (the team itself and
-- every team below it) and per rep of those teams, as scope_kind ('team' | 'rep') and scope_id.
with recursive subtree as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join subtree as parent on child.parent_team_id = parent.team_id
)

select 'team' as scope_kind, team_id as scope_id from subtree
union all
select 'rep' as scope_kind, rep_id as scope_id
from visible_reps('team', null, $scope_team_id)
