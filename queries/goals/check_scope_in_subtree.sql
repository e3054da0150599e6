-- One row (is_inside): whether the scope $subject_kind / $subject_id lies inside the team
-- subtree of $scope_team_id: the team itself, a team below it, or a rep of one of those
-- teams. Any other kind of scope (company, territory, product, segment) is outside.
with recursive subtree as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join subtree as parent on child.parent_team_id = parent.team_id
)

select coalesce(
    case $subject_kind
        when 'team' then $subject_id in (select team_id from subtree)
        when 'rep' then $subject_id in (
            select rep_id from visible_reps('team', null, $scope_team_id)
        )
        else false
    end,
    false
) as is_inside
