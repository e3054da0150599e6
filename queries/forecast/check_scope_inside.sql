-- One row (is_inside): whether scope $subject_kind ('team' | 'rep') / $subject_id lies inside
-- the viewer's scope ($scope_kind, $scope_rep_id, $scope_team_id): everything for 'all'; for
-- 'team' the team itself, a team below it, or a rep of those teams; for 'rep' that rep only.
with recursive subtree as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join subtree as parent on child.parent_team_id = parent.team_id
)

select coalesce(
    $scope_kind = 'all'
    or case $subject_kind
        when 'team' then $scope_kind = 'team' and $subject_id in (select team_id from subtree)
        when 'rep' then $subject_id in (
            select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
        )
        else false
    end,
    false
) as is_inside
