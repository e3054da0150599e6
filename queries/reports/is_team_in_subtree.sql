-- One row (is_inside): whether team $team_id is $root_team_id itself or a team below it.
with recursive subtree(team_id) as (
    select team_id from teams where team_id = $root_team_id
    union all
    select child.team_id
    from teams as child
    inner join subtree as parent on child.parent_team_id = parent.team_id
)

select coalesce($team_id in (select team_id from subtree), false) as is_inside
