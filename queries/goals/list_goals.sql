-- Goals the viewer may see: one row per goal with its period, scope (kind, id, name),
-- metric, current target and version, the split warning kept on it, its children (count
-- and sum of their targets, by parent_goal_id), the parent goal's target, and who created
-- and last changed it.
-- Viewer: $scope_kind 'all' sees every goal, 'rep' the goals of rep $scope_rep_id, 'team'
-- the goals of the teams and reps in the subtree of $scope_team_id.
-- Filters (each null = no filter): $window_start / $window_end (dates: the goal's period lies
-- inside [window_start, window_end)), $period_kind, $metric, $only_goal_id.
with recursive viewer_teams as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join viewer_teams as parent on child.parent_team_id = parent.team_id
),

children as (
    select
        parent_goal_id,
        count(*) as children,
        sum(target) as children_total
    from goals
    where parent_goal_id is not null
    group by parent_goal_id
),

company as (
    select coalesce(min(team_name), 'Company') as company_name
    from teams
    where team_level = 'company'
),

visible as (
    select goals.*
    from goals
    where case $scope_kind
            when 'all' then true
            when 'rep' then goals.scope_kind = 'rep' and goals.scope_id = $scope_rep_id
            when 'team' then
                (goals.scope_kind = 'team' and goals.scope_id in (select team_id from viewer_teams))
                or (goals.scope_kind = 'rep' and goals.scope_id in (
                    select rep_id from visible_reps('team', null, $scope_team_id)
                ))
            else false
        end
        and ($window_start is null or goals.period_start >= cast($window_start as date))
        and ($window_end is null or goals.period_end <= cast($window_end as date))
        and ($period_kind is null or goals.period_kind = $period_kind)
        and ($metric is null or goals.metric = $metric)
        and ($only_goal_id is null or goals.goal_id = $only_goal_id)
),

final as (
    select
        visible.goal_id,
        visible.parent_goal_id,
        visible.period_kind,
        visible.period_start,
        visible.period_end,
        visible.scope_kind,
        visible.scope_id,
        case visible.scope_kind
            when 'company' then company.company_name
            when 'team' then teams.team_name
            when 'rep' then reps.full_name
            when 'territory' then territories.territory_name
            when 'product' then products.product_name
            when 'segment' then segments.segment_name
        end as scope_name,
        visible.metric,
        visible.target,
        visible.version,
        visible.split_warning,
        coalesce(children.children, 0) as children,
        children.children_total,
        parent.target as parent_target,
        visible.created_by,
        creator.display_name as created_by_name,
        visible.created_at,
        editor.display_name as updated_by_name,
        visible.updated_at,
        case visible.scope_kind
            when 'company' then 0
            when 'team' then 1
            when 'rep' then 2
            when 'territory' then 3
            when 'product' then 4
            else 5
        end as kind_order,
        teams.team_level
    from visible
    cross join company
    left join teams on visible.scope_kind = 'team' and teams.team_id = visible.scope_id
    left join reps on visible.scope_kind = 'rep' and reps.rep_id = visible.scope_id
    left join territories
        on visible.scope_kind = 'territory' and territories.territory_id = visible.scope_id
    left join products on visible.scope_kind = 'product' and products.product_id = visible.scope_id
    left join segments on visible.scope_kind = 'segment' and segments.segment_id = visible.scope_id
    left join children on children.parent_goal_id = visible.goal_id
    left join goals as parent on parent.goal_id = visible.parent_goal_id
    left join users as creator on creator.user_id = visible.created_by
    left join users as editor on editor.user_id = visible.updated_by
)

select * from final
order by
    period_start,
    period_kind desc,
    metric,
    kind_order,
    case team_level when 'region' then 0 else 1 end,
    scope_name,
    goal_id
