-- Workload per rep the viewer may see under the team filter ($rep_ids, null = every rep)
-- within the territory subtree $territory_id (null = everywhere):
-- team, home territory, accounts owned there and the territories they lie in, open deals and
-- open pipeline now, potential (the accounts' bookings in [$potential_start, $start)), the
-- rep's bookings goal and bookings in [$start, $end), attainment, and balance indexes: the
-- rep's potential and open deals over the average of the reps of the same team (1 = even).
with visible as (
    select rep_id from analytics_reps($rep_ids)
),

owned_accounts as (
    select accounts.account_id, accounts.owner_rep_id, accounts.territory_id
    from accounts
    where accounts.owner_rep_id in (select rep_id from visible)
        and ($territory_id is null
            or list_contains(analytics_territories($territory_id), accounts.territory_id))
),

rep_accounts as (
    select
        owner_rep_id as rep_id,
        count(*) as accounts,
        count(distinct territory_id) as territories
    from owned_accounts
    group by owner_rep_id
),

rep_potential as (
    -- what the rep's accounts (in the territory subtree) booked in the potential window
    select potential.owner_rep_id as rep_id, sum(potential.potential) as potential
    from account_potential($potential_start, $start, null) as potential
    where potential.owner_rep_id in (select rep_id from visible)
        and ($territory_id is null
            or list_contains(analytics_territories($territory_id), potential.territory_id))
    group by potential.owner_rep_id
),

closed_deals as (
    select facts.owner_rep_id, facts.amount_rc
    from analytics_facts(
        $rep_ids, $territory_id, null
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where stages.is_won and facts.closed_at >= $start and facts.closed_at < $end
),

open_deals as (
    select facts.owner_rep_id, facts.amount_rc
    from analytics_facts(
        $rep_ids, $territory_id, null
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where not stages.is_won and not stages.is_lost
),

dealing_reps as (
    -- every rep with a deal in view (of any state or date): the reps of cohort_counts (every
    -- deal, per creation month and rep: some 20,000 rows at 10M deals), or under a territory
    -- filter (not kept there) the deals' owners
    select distinct owner_rep_id as rep_id
    from cohort_counts
    where $territory_id is null and ($rep_ids is null or owner_rep_id = any($rep_ids))
    union
    select distinct facts.owner_rep_id
    from analytics_facts(
        $rep_ids, $territory_id, null
    ) as facts
    where $territory_id is not null
),

rep_deals as (
    select
        dealing_reps.rep_id,
        coalesce(rep_open.open_deals, 0) as open_deals,
        coalesce(rep_open.open_pipeline, 0) as open_pipeline,
        coalesce(rep_won.bookings, 0) as bookings
    from dealing_reps
    left join (
        select owner_rep_id as rep_id, count(*) as open_deals, sum(amount_rc) as open_pipeline
        from open_deals
        group by owner_rep_id
    ) as rep_open on rep_open.rep_id = dealing_reps.rep_id
    left join (
        select owner_rep_id as rep_id, sum(amount_rc) as bookings
        from closed_deals
        group by owner_rep_id
    ) as rep_won on rep_won.rep_id = dealing_reps.rep_id
),

rep_goals as (
    -- each goal by its days inside the period, the finest period kind winning month by month
    -- (goal_shares)
    select scope_id as rep_id, sum(share) as goal
    from goal_shares('rep', 'bookings', $start, $end)
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
        coalesce(rep_potential.potential, 0) as potential,
        rep_goals.goal,
        coalesce(rep_deals.bookings, 0) as bookings
    from reps
    inner join teams on teams.team_id = reps.team_id
    left join territories as home on home.territory_id = reps.territory_id
    left join rep_accounts on rep_accounts.rep_id = reps.rep_id
    left join rep_potential on rep_potential.rep_id = reps.rep_id
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
