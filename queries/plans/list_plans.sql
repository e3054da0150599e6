-- Plans the viewer may see: one row per plan with its period, scope (kind, id, name), title,
-- objectives, strategy, headcount, budget, version, the number of initiatives, and who
-- created and last saved it (names) and when.
-- Viewer: $scope_kind 'all' sees every plan, 'rep' the plans of rep $scope_rep_id, 'team'
-- the plans of the teams and reps in the subtree of $scope_team_id.
-- Filters (each null = no filter): $window_start / $window_end (dates: the plan's period
-- lies inside [window_start, window_end)), $only_plan_id.
with recursive viewer_teams as (
    select team_id from teams where team_id = $scope_team_id
    union all
    select child.team_id
    from teams as child
    inner join viewer_teams as parent on child.parent_team_id = parent.team_id
),

company as (
    select coalesce(min(team_name), 'Company') as company_name
    from teams
    where team_level = 'company'
),

item_counts as (
    select plan_id, count(*) as initiatives
    from plan_items
    group by plan_id
),

visible as (
    select plans.*
    from plans
    where case $scope_kind
            when 'all' then true
            when 'rep' then plans.scope_kind = 'rep' and plans.scope_id = $scope_rep_id
            when 'team' then
                (plans.scope_kind = 'team' and plans.scope_id in (select team_id from viewer_teams))
                or (plans.scope_kind = 'rep' and plans.scope_id in (
                    select rep_id from visible_reps('team', null, $scope_team_id)
                ))
            else false
        end
        and ($window_start is null or plans.period_start >= cast($window_start as date))
        and ($window_end is null or plans.period_end <= cast($window_end as date))
        and ($only_plan_id is null or plans.plan_id = $only_plan_id)
),

final as (
    select
        visible.plan_id,
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
        visible.title,
        visible.objectives,
        visible.strategy,
        visible.headcount,
        visible.budget,
        visible.version,
        coalesce(item_counts.initiatives, 0) as initiatives,
        creator.display_name as created_by_name,
        visible.created_at,
        editor.display_name as updated_by_name,
        visible.updated_at
    from visible
    cross join company
    left join teams on visible.scope_kind = 'team' and teams.team_id = visible.scope_id
    left join reps on visible.scope_kind = 'rep' and reps.rep_id = visible.scope_id
    left join territories
        on visible.scope_kind = 'territory' and territories.territory_id = visible.scope_id
    left join products on visible.scope_kind = 'product' and products.product_id = visible.scope_id
    left join segments on visible.scope_kind = 'segment' and segments.segment_id = visible.scope_id
    left join item_counts on item_counts.plan_id = visible.plan_id
    left join users as creator on creator.user_id = visible.created_by
    left join users as editor on editor.user_id = visible.updated_by
)

select * from final
order by period_start desc, period_kind, scope_kind, scope_name, plan_id
