-- Demo accounts: $n_accounts customers spread over territories by weight, each owned by a
-- rep of the team covering its territory. Deterministic for $seed; created before $as_of.
insert into accounts by name
with drawn as (
    select
        range + 1 as account_id,
        demo_uniform(range, 101, $seed) as u_territory,
        demo_uniform(range, 102, $seed) as u_rep,
        demo_uniform(range, 103, $seed) as u_segment,
        demo_uniform(range, 104, $seed) as u_size,
        hash(range, 105, $seed) as h_name
    from range($n_accounts)
),

placed as (
    select
        drawn.*,
        weights.territory_id,
        weights.team_id
    from drawn
    inner join demo_territory_weights as weights
        on drawn.u_territory >= weights.cum_lo and drawn.u_territory < weights.cum_hi
),

final as (
    select
        placed.account_id,
        list_element(
            ['Blue', 'Harbor', 'Summit', 'Cedar', 'Atlas', 'Pioneer', 'Granite', 'Silver',
             'Northern', 'Coastal', 'Evergreen', 'Redwood', 'Prairie', 'Lakeside', 'Ironwood',
             'Bright', 'Meridian', 'Keystone', 'Falcon', 'Orchard', 'Beacon', 'Crescent',
             'Vertex', 'Union', 'Liberty', 'Horizon', 'Sterling', 'Frontier', 'Maple', 'Oak'],
            (placed.h_name % 30)::integer + 1
        ) || ' ' ||
        list_element(
            ['River', 'Ridge', 'Point', 'Valley', 'Peak', 'Bay', 'Field', 'Stone', 'Bridge',
             'Gate', 'Harbor', 'Mill', 'Creek', 'Grove', 'Park', 'Rock', 'Springs', 'Works',
             'Line', 'Port'],
            ((placed.h_name // 30) % 20)::integer + 1
        ) || ' ' ||
        list_element(
            ['Logistics', 'Foods', 'Energy', 'Health', 'Manufacturing', 'Retail', 'Utilities',
             'Construction', 'Telecom', 'Mining', 'Farms', 'Transit', 'Labs', 'Textiles',
             'Marine'],
            ((placed.h_name // 600) % 15)::integer + 1
        ) as account_name,
        list_element(
            ['Logistics', 'Food & Beverage', 'Energy', 'Healthcare', 'Manufacturing', 'Retail',
             'Utilities', 'Construction', 'Telecommunications', 'Mining', 'Agriculture',
             'Transportation', 'Life Sciences', 'Textiles', 'Maritime'],
            ((placed.h_name // 600) % 15)::integer + 1
        ) as industry,
        case
            when placed.u_segment < 0.55 then 1
            when placed.u_segment < 0.87 then 2
            else 3
        end as segment_id,
        case
            when placed.u_segment < 0.55 then 10 + (placed.u_size * 190)::integer
            when placed.u_segment < 0.87 then 200 + (placed.u_size * 1800)::integer
            else 2000 + (placed.u_size * 48000)::integer
        end as employee_count,
        placed.territory_id,
        team_reps.rep_id as owner_rep_id,
        case
            when placed.u_segment < 0.55 then 50000
            when placed.u_segment < 0.87 then 250000
            else 2000000
        end::decimal(18, 2) as credit_limit,
        territories.country_code as billing_country,
        replace(territories.subdivision_code, 'US-', '') as billing_state,
        'demo' as source_system,
        cast($as_of as timestamp) - to_days(1500) + to_days((placed.u_size * 400)::integer)
            as created_at
    from placed
    inner join demo_reps as team_reps
        on team_reps.team_id = placed.team_id
        and team_reps.team_rep_pos = (placed.u_rep * team_reps.team_rep_count)::integer
            % team_reps.team_rep_count
    inner join territories on territories.territory_id = placed.territory_id
)

select * from final
