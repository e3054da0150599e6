-- Every scope a goal or plan can be set for: one row per scope (the company; each team below
-- the company level; each rep, territory, product and segment) with its name, the scope it
-- rolls up to (parent_kind, parent_id: a rep to its team, a team to its parent team or the
-- company, a territory to its parent territory; null when none), depth (for indenting),
-- is_active, code (a product's SKU, also accepted by the CSV import) and sort_path (orders a
-- hierarchy parent first). No parameters.
with recursive team_paths as (
    select
        team_id,
        team_level,
        0 as depth,
        lpad(team_id::varchar, 8, '0') as sort_path
    from teams
    where parent_team_id is null
    union all
    select
        child.team_id,
        child.team_level,
        parent.depth + 1 as depth,
        parent.sort_path || '/' || lpad(child.team_id::varchar, 8, '0') as sort_path
    from teams as child
    inner join team_paths as parent on child.parent_team_id = parent.team_id
),

territory_paths as (
    select
        territory_id,
        0 as depth,
        lpad(territory_id::varchar, 8, '0') as sort_path
    from territories
    where parent_territory_id is null
    union all
    select
        child.territory_id,
        parent.depth + 1 as depth,
        parent.sort_path || '/' || lpad(child.territory_id::varchar, 8, '0') as sort_path
    from territories as child
    inner join territory_paths as parent on child.parent_territory_id = parent.territory_id
),

company as (
    select coalesce(min(team_name), 'Company') as company_name
    from teams
    where team_level = 'company'
),

scopes as (
    select
        'company' as scope_kind,
        null::integer as scope_id,
        company.company_name as scope_name,
        null::varchar as parent_kind,
        null::integer as parent_id,
        0 as depth,
        true as is_active,
        null::varchar as code,
        '' as sort_path
    from company

    union all

    select
        'team' as scope_kind,
        teams.team_id as scope_id,
        teams.team_name as scope_name,
        case when parent.team_id is null or parent.team_level = 'company' then 'company' else 'team' end
            as parent_kind,
        case when parent.team_level = 'company' then null else parent.team_id end as parent_id,
        coalesce(team_paths.depth, 1) as depth,
        true as is_active,
        null::varchar as code,
        coalesce(team_paths.sort_path, '') as sort_path
    from teams
    left join teams as parent on parent.team_id = teams.parent_team_id
    left join team_paths on team_paths.team_id = teams.team_id
    where teams.team_level <> 'company'

    union all

    select
        'rep' as scope_kind,
        reps.rep_id as scope_id,
        reps.full_name as scope_name,
        'team' as parent_kind,
        reps.team_id as parent_id,
        coalesce(team_paths.depth, 0) + 1 as depth,
        reps.is_active,
        reps.email as code,
        coalesce(team_paths.sort_path, '') || '/r' || lpad(reps.rep_id::varchar, 8, '0') as sort_path
    from reps
    left join team_paths on team_paths.team_id = reps.team_id

    union all

    select
        'territory' as scope_kind,
        territories.territory_id as scope_id,
        territories.territory_name as scope_name,
        case when territories.parent_territory_id is null then null else 'territory' end
            as parent_kind,
        territories.parent_territory_id as parent_id,
        coalesce(territory_paths.depth, 0) as depth,
        true as is_active,
        coalesce(territories.subdivision_code, territories.country_code) as code,
        coalesce(territory_paths.sort_path, '') as sort_path
    from territories
    left join territory_paths on territory_paths.territory_id = territories.territory_id

    union all

    select
        'product' as scope_kind,
        product_id as scope_id,
        product_name as scope_name,
        null as parent_kind,
        null as parent_id,
        0 as depth,
        is_active,
        sku as code,
        lpad(product_id::varchar, 8, '0') as sort_path
    from products

    union all

    select
        'segment' as scope_kind,
        segment_id as scope_id,
        segment_name as scope_name,
        null as parent_kind,
        null as parent_id,
        0 as depth,
        true as is_active,
        null as code,
        lpad(segment_id::varchar, 8, '0') as sort_path
    from segments
),

final as (
    select
        *,
        case scope_kind
            when 'company' then 0
            when 'team' then 1
            when 'rep' then 2
            when 'territory' then 3
            when 'product' then 4
            else 5
        end as kind_order
    from scopes
)

select * from final
order by kind_order, sort_path, scope_name
