-- Choices for filters and forms: one row per team, territory, product or rep, as
-- kind ('team' | 'territory' | 'product' | 'rep'), id, label and depth (for indenting).
select 'team' as kind, team_id as id, team_name as label,
    case team_level when 'company' then 0 when 'region' then 1 else 2 end as depth, team_id as sort_key
from teams
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
where is_active
order by kind, sort_key
