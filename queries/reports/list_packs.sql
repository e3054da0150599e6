-- The report packs a viewer may see, one row each, newest first: every pack for scope
-- 'all' ($scope_kind); for scope 'team' the packs of teams inside the subtree of
-- $scope_team_id; for any other scope none. With the scope name, creator, the last action
-- and when it happened.
with recursive subtree(team_id) as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join subtree as parent on child.parent_team_id = parent.team_id
),

last_events as (
    select
        pack_id,
        arg_max(action, event_id) as last_action,
        max(occurred_at) as last_action_at
    from report_pack_events
    group by pack_id
),

final as (
    select
        report_packs.pack_id,
        report_packs.pack_kind,
        report_packs.period_label,
        report_packs.title,
        coalesce(teams.team_name, 'Company') as scope_name,
        report_packs.status,
        creators.display_name as created_by_name,
        report_packs.created_at,
        last_events.last_action,
        last_events.last_action_at
    from report_packs
    left join teams on teams.team_id = report_packs.scope_team_id
    left join users as creators on creators.user_id = report_packs.created_by
    left join last_events on last_events.pack_id = report_packs.pack_id
    where $scope_kind = 'all'
        or ($scope_kind = 'team' and report_packs.scope_team_id in (select team_id from subtree))
)

select * from final
order by pack_id desc
