-- Teams a pack may cover for a viewer ($scope_kind, $scope_team_id): every team for scope
-- 'all', the subtree of $scope_team_id for 'team'; one row each with id, name, level and
-- depth (for indenting), in hierarchy order.
with recursive tree(team_id, depth, path) as (
    select team_id, 0, [team_id]
    from teams
    where ($scope_kind = 'all' and parent_team_id is null)
        or ($scope_kind = 'team' and team_id = $scope_team_id)
    union all
    select child.team_id, parent.depth + 1, list_append(parent.path, child.team_id)
    from teams as child
    inner join tree as parent on child.parent_team_id = parent.team_id
)

select teams.team_id, teams.team_name, teams.team_level, tree.depth
from tree
inner join teams on teams.team_id = tree.team_id
order by tree.path
