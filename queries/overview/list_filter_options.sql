-- Choices for filters and forms: one row per team, territory, product or rep, as
-- kind ('team' | 'territory' | 'product' | 'rep'), id, label and depth (for indenting).
-- Teams and reps are limited to the viewer's scope ($scope_kind, $scope_rep_id,
-- $scope_team_id): a manager sees their subtree, a rep only themself.
with visible as (
    select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
),

scoped_teams as (
    select team_id, team_name, team_level, parent_team_id
    from teams
    where $scope_kind = 'all'
        or ($scope_kind = 'team' and team_id in (
            select reps.team_id from reps where reps.rep_id in (select rep_id from visible)
        ))
        or ($scope_kind = 'team' and team_id = $scope_team_id)
),

final as (
    select 'team' as kind, team_id as id, team_name as label,
        case team_level when 'company' then 0 when 'region' then 1 else 2 end as depth,
        team_id as sort_key
    from scoped_teams
    union all
    select 'territory', territory_id, territory_name,
        case territory_kind when 'world' then 0 when 'region' then 1 when 'district' then 2 else 3 end,
        territory_id
    from territories
    union all
    select 'product', product_id, product_name, 0, product_id
    from products
    where is_active
    union all
    select 'rep', rep_id, full_name, 0, rep_id
    from reps
    where is_active and rep_id in (select rep_id from visible)
)

select * from final
order by kind, sort_key
