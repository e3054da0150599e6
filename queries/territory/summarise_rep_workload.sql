-- Workload per rep the viewer may see (scope $scope_kind, $scope_rep_id, $scope_team_id;
-- team filter $team_id) within the territory subtree $territory_id (null = everywhere):
-- team, home territory, accounts owned there and the territories they lie in, open deals and
-- open pipeline now, potential (the accounts' bookings in [$potential_start, $start)), the
-- rep's bookings goal and bookings in [$start, $end), attainment, and balance indexes: the
-- rep's potential and open deals over the average of the reps of the same team (1 = even).
with visible as (
    select rep_id from analytics_reps($scope_kind, $scope_rep_id, $scope_team_id, $team_id)
),

account_bookings as (
    select opportunities.account_id, sum(opportunities.amount_rc) as bookings
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    where stages.is_won
        and opportunities.closed_at >= $potential_start and opportunities.closed_at < $start
    group by opportunities.account_id
),

rep_accounts as (
    select
        accounts.owner_rep_id as rep_id,
        count(*) as accounts,
        count(distinct accounts.territory_id) as territories,
        coalesce(sum(account_bookings.bookings), 0) as potential
    from accounts
    left join account_bookings on account_bookings.account_id = accounts.account_id
    where accounts.owner_rep_id in (select rep_id from visible)
        and ($territory_id is null
            or list_contains(analytics_territories($territory_id), accounts.territory_id))
    group by accounts.owner_rep_id
),

rep_deals as (
    select
        deals.owner_rep_id as rep_id,
        count(*) filter (where not stages.is_won and not stages.is_lost) as open_deals,
        coalesce(sum(deals.amount_rc) filter (where not stages.is_won and not stages.is_lost), 0)
            as open_pipeline,
        coalesce(sum(deals.amount_rc) filter (
            where stages.is_won and deals.closed_at >= $start and deals.closed_at < $end
        ), 0) as bookings
    from analytics_deals(
        $scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id, null
    ) as deals
    inner join stages on stages.stage_id = deals.stage_id
    group by deals.owner_rep_id
),

rep_goals as (
    select scope_id as rep_id, sum(target) as goal
    from goals
    where scope_kind = 'rep' and metric = 'bookings'
        and period_start >= $start and period_end <= $end
    group by scope_id
),

joined as (
    select
        reps.rep_id,
        reps.full_name as rep_name,
        teams.team_name,
        home.territory_name as home_territory,
        coalesce(rep_accounts.accounts, 0)::bigint as accounts,
        coalesce(rep_accounts.territories, 0)::bigint as territories,
        coalesce(rep_deals.open_deals, 0)::bigint as open_deals,
        coalesce(rep_deals.open_pipeline, 0) as open_pipeline,
        coalesce(rep_accounts.potential, 0) as potential,
        rep_goals.goal,
        coalesce(rep_deals.bookings, 0) as bookings
    from reps
    inner join teams on teams.team_id = reps.team_id
    left join territories as home on home.territory_id = reps.territory_id
    left join rep_accounts on rep_accounts.rep_id = reps.rep_id
    left join rep_deals on rep_deals.rep_id = reps.rep_id
    left join rep_goals on rep_goals.rep_id = reps.rep_id
    where reps.rep_id in (select rep_id from visible)
        and (rep_accounts.rep_id is not null or rep_deals.rep_id is not null)
),

final as (
    select
        joined.*,
        bookings / nullif(goal, 0) as attainment,
        potential / nullif(avg(potential) over (partition by team_name), 0) as potential_index,
        open_deals / nullif(avg(open_deals) over (partition by team_name), 0) as open_deals_index
    from joined
)

select * from final
order by team_name, potential desc, rep_name
