-- Bookings vs goal in [$start, $end) per team ($level = 'team': teams at the lowest level)
-- or per rep ($level = 'rep'), for the units the viewer may see (scope and filters as
-- elsewhere): unit id and name, won deals, bookings, goal and attainment.
with bookings as (
    select
        case $level when 'team' then owner_team_id else owner_rep_id end as unit_id,
        count(*) as won,
        sum(amount_rc) as bookings
    from overview_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, $product_id
    )
    where is_won and closed_at >= $start and closed_at < $end
    group by unit_id
),

visible as (
    select rep_id, owner_name as full_name, owner_team_id as team_id, team_name
    from overview_reps($scope_kind, $scope_rep_id, $scope_team_id, $team_id)
),

units as (
    select distinct
        case $level when 'team' then team_id else rep_id end as unit_id,
        case $level when 'team' then team_name else full_name end as unit_name,
        team_name
    from visible
),

unit_goals as (
    select scope_id as unit_id, sum(target) as goal
    from goals
    where scope_kind = $level
        and metric = 'bookings'
        and period_kind = 'quarter'
        and period_start >= $start
        and period_end <= $end
    group by scope_id
),

final as (
    select
        units.unit_id,
        units.unit_name,
        units.team_name,
        coalesce(bookings.won, 0) as won,
        coalesce(bookings.bookings, 0) as bookings,
        unit_goals.goal,
        bookings.bookings / nullif(unit_goals.goal, 0) as attainment
    from units
    left join bookings on bookings.unit_id = units.unit_id
    left join unit_goals on unit_goals.unit_id = units.unit_id
)

select * from final
order by attainment desc nulls last, bookings desc
