-- The effect of moving accounts before it is applied: the moves are the parallel lists
-- $account_ids -> $to_territory_ids (and $to_owner_rep_ids, null element = keep the owner).
-- One row per territory that loses or gains accounts, before and after: accounts, open deals
-- and open pipeline now (open deals move with their account), potential (the accounts'
-- bookings in [$potential_start, $start)) and the goal derived from the company goal for
-- [$start, $end) by each territory's share of the company's potential; plus the territory's
-- own goal for the period when one is set (a set goal does not move by itself).
with moves as (
    select distinct on (account_id) account_id, to_territory_id, to_owner_rep_id
    from (
        select
            unnest($account_ids::integer[]) as account_id,
            unnest($to_territory_ids::integer[]) as to_territory_id,
            unnest($to_owner_rep_ids::integer[]) as to_owner_rep_id
    )
),

account_bookings as (
    select opportunities.account_id, sum(opportunities.amount_rc) as bookings
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    where stages.is_won
        and opportunities.closed_at >= $potential_start and opportunities.closed_at < $start
    group by opportunities.account_id
),

account_states as (
    select
        accounts.account_id,
        accounts.territory_id as before_territory_id,
        coalesce(moves.to_territory_id, accounts.territory_id) as after_territory_id,
        coalesce(account_bookings.bookings, 0) as potential
    from accounts
    left join moves on moves.account_id = accounts.account_id
    left join account_bookings on account_bookings.account_id = accounts.account_id
),

open_deals as (
    select
        opportunities.territory_id as before_territory_id,
        coalesce(moves.to_territory_id, opportunities.territory_id) as after_territory_id,
        opportunities.amount_rc
    from opportunities
    inner join stages on stages.stage_id = opportunities.stage_id
    left join moves on moves.account_id = opportunities.account_id
    where not stages.is_won and not stages.is_lost
),

touched as (
    select accounts.territory_id
    from moves
    inner join accounts on accounts.account_id = moves.account_id
    union
    select to_territory_id from moves
),

sides as (
    select 'before' as side, before_territory_id as territory_id, potential, 1 as accounts,
        0 as deals, 0 as amount
    from account_states
    union all
    select 'after', after_territory_id, potential, 1, 0, 0 from account_states
    union all
    select 'before', before_territory_id, 0, 0, 1, amount_rc from open_deals
    union all
    select 'after', after_territory_id, 0, 0, 1, amount_rc from open_deals
),

summed as (
    select
        territory_id,
        sum(accounts) filter (where side = 'before') as accounts_before,
        sum(accounts) filter (where side = 'after') as accounts_after,
        sum(deals) filter (where side = 'before') as open_deals_before,
        sum(deals) filter (where side = 'after') as open_deals_after,
        sum(amount) filter (where side = 'before') as open_pipeline_before,
        sum(amount) filter (where side = 'after') as open_pipeline_after,
        sum(potential) filter (where side = 'before') as potential_before,
        sum(potential) filter (where side = 'after') as potential_after
    from sides
    where territory_id in (select territory_id from touched)
    group by territory_id
),

company as (
    select
        (select sum(target) from goals
            where scope_kind = 'company' and metric = 'bookings'
                and period_start >= $start and period_end <= $end) as company_goal,
        (select sum(potential) from account_states) as company_potential
),

territory_goals as (
    select scope_id as territory_id, sum(target) as goal
    from goals
    where scope_kind = 'territory' and metric = 'bookings'
        and period_start >= $start and period_end <= $end
    group by scope_id
)

select
    summed.territory_id,
    territories.territory_name,
    coalesce(summed.accounts_before, 0)::bigint as accounts_before,
    coalesce(summed.accounts_after, 0)::bigint as accounts_after,
    coalesce(summed.open_deals_before, 0)::bigint as open_deals_before,
    coalesce(summed.open_deals_after, 0)::bigint as open_deals_after,
    coalesce(summed.open_pipeline_before, 0) as open_pipeline_before,
    coalesce(summed.open_pipeline_after, 0) as open_pipeline_after,
    coalesce(summed.potential_before, 0) as potential_before,
    coalesce(summed.potential_after, 0) as potential_after,
    round(company.company_goal * coalesce(summed.potential_before, 0)
        / nullif(company.company_potential, 0), 2) as derived_goal_before,
    round(company.company_goal * coalesce(summed.potential_after, 0)
        / nullif(company.company_potential, 0), 2) as derived_goal_after,
    territory_goals.goal as territory_goal
from summed
cross join company
inner join territories on territories.territory_id = summed.territory_id
left join territory_goals on territory_goals.territory_id = summed.territory_id
order by territories.territory_name
