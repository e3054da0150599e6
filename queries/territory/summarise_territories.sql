-- Territory figures rolled up along the hierarchy: one row per territory in the subtree of
-- $root_territory_id (via territory_subtree), with its kind, depth and map codes; bookings,
-- won and lost deals closed in [$start, $end), open deals, open and weighted pipeline now
-- (by the deal's territory); accounts, reps working them (distinct account owners) and
-- potential (the accounts' bookings in [$potential_start, $start)) by the account's
-- territory now; the territory's own bookings goal for the period (goals with scope
-- 'territory') and the company goal with the territory's share of the company's potential,
-- which derive a goal where none is set. Deals and accounts are limited to the viewer's
-- reps ($rep_ids: the scope under the team filter, null = every rep) and the $product_id filter;
-- the potential share is the company's (a plan figure, the same for every viewer).
with closed_deals as (
    -- deals closed in the period: deal_facts is kept in closing order, so this reads the
    -- period's row groups only
    select facts.territory_id, facts.amount_rc, stages.is_won, stages.is_lost
    from analytics_facts(
        $rep_ids, null, $product_id
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where facts.closed_at >= $start and facts.closed_at < $end
        and (stages.is_won or stages.is_lost)
),

open_deals as (
    select facts.territory_id, facts.amount_rc, facts.probability
    from analytics_facts(
        $rep_ids, null, $product_id
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where not stages.is_won and not stages.is_lost
),

leaf_closed as (
    select
        territory_id,
        count(*) filter (where is_won) as won,
        count(*) filter (where is_lost) as lost,
        coalesce(sum(amount_rc) filter (where is_won), 0) as bookings,
        coalesce(sum(amount_rc) filter (where is_lost), 0) as lost_amount
    from closed_deals
    group by territory_id
),

leaf_open as (
    select
        territory_id,
        count(*) as open_deals,
        sum(amount_rc) as open_pipeline,
        sum(amount_rc * probability / 100) as weighted_pipeline
    from open_deals
    group by territory_id
),

leaf_deals as (
    select
        coalesce(leaf_closed.territory_id, leaf_open.territory_id) as territory_id,
        coalesce(leaf_closed.won, 0) as won,
        coalesce(leaf_closed.lost, 0) as lost,
        coalesce(leaf_closed.bookings, 0) as bookings,
        coalesce(leaf_closed.lost_amount, 0) as lost_amount,
        coalesce(leaf_open.open_deals, 0) as open_deals,
        coalesce(leaf_open.open_pipeline, 0) as open_pipeline,
        coalesce(leaf_open.weighted_pipeline, 0) as weighted_pipeline
    from leaf_closed
    full outer join leaf_open
        on leaf_open.territory_id is not distinct from leaf_closed.territory_id
),

account_owners as (
    -- accounts per territory and owner, with the owner's visibility to the viewer
    select
        accounts.territory_id,
        accounts.owner_rep_id,
        count(*) as accounts,
        accounts.owner_rep_id in (
            select rep_id from analytics_reps($rep_ids)
        ) as is_visible
    from accounts
    group by accounts.territory_id, accounts.owner_rep_id
),

owner_potential as (
    -- the potential of each territory's accounts per owner: their bookings in the window
    -- (the company's: a plan figure for every viewer)
    select territory_id, owner_rep_id, potential
    from account_potential($potential_start, $start, $product_id)
),

accounts_valued as (
    select
        account_owners.territory_id,
        account_owners.owner_rep_id,
        account_owners.accounts,
        coalesce(owner_potential.potential, 0) as potential,
        account_owners.is_visible
    from account_owners
    left join owner_potential
        on owner_potential.territory_id is not distinct from account_owners.territory_id
        and owner_potential.owner_rep_id is not distinct from account_owners.owner_rep_id
),

nodes as (
    select
        node.territory_id as node_id,
        sub.territory_id
    from territories as node,
        lateral (select territory_id from territory_subtree(node.territory_id)) as sub
    where node.territory_id in (
        select territory_id from territory_subtree(coalesce($root_territory_id, (
            select min(territory_id) from territories where parent_territory_id is null
        )))
    )
),

rolled_deals as (
    select
        nodes.node_id,
        sum(leaf_deals.won) as won,
        sum(leaf_deals.lost) as lost,
        sum(leaf_deals.bookings) as bookings,
        sum(leaf_deals.lost_amount) as lost_amount,
        sum(leaf_deals.open_deals) as open_deals,
        sum(leaf_deals.open_pipeline) as open_pipeline,
        sum(leaf_deals.weighted_pipeline) as weighted_pipeline
    from nodes
    inner join leaf_deals on leaf_deals.territory_id = nodes.territory_id
    group by nodes.node_id
),

rolled_accounts as (
    select
        nodes.node_id,
        coalesce(sum(accounts_valued.accounts) filter (where accounts_valued.is_visible), 0)
            as accounts,
        count(distinct accounts_valued.owner_rep_id) filter (where accounts_valued.is_visible)
            as reps_assigned,
        coalesce(sum(accounts_valued.potential) filter (where accounts_valued.is_visible), 0)
            as potential,
        sum(accounts_valued.potential) as company_potential_here
    from nodes
    inner join accounts_valued on accounts_valued.territory_id = nodes.territory_id
    group by nodes.node_id
),

territory_goals as (
    -- each goal by its days inside the period, the finest period kind winning month by month
    -- (goal_shares)
    select scope_id as territory_id, sum(share) as goal
    from goal_shares('territory', 'bookings', $start, $end)
    group by scope_id
),

company as (
    select
        (select sum(share) from goal_shares('company', 'bookings', $start, $end))
            as company_goal,
        (select sum(potential) from accounts_valued) as company_potential
),

final as (
    select
        territories.territory_id,
        territories.territory_name,
        territories.parent_territory_id,
        territories.territory_kind,
        case territories.territory_kind
            when 'world' then 0 when 'region' then 1 when 'district' then 2 else 3
        end as depth,
        territories.country_code,
        territories.country_iso3,
        territories.subdivision_code,
        coalesce(rolled_deals.won, 0)::bigint as won,
        coalesce(rolled_deals.lost, 0)::bigint as lost,
        coalesce(rolled_deals.bookings, 0) as bookings,
        coalesce(rolled_deals.lost_amount, 0) as lost_amount,
        coalesce(rolled_deals.open_deals, 0)::bigint as open_deals,
        coalesce(rolled_deals.open_pipeline, 0) as open_pipeline,
        coalesce(rolled_deals.weighted_pipeline, 0)::decimal(18, 2) as weighted_pipeline,
        coalesce(rolled_accounts.accounts, 0)::bigint as accounts,
        coalesce(rolled_accounts.reps_assigned, 0)::bigint as reps_assigned,
        coalesce(rolled_accounts.potential, 0) as potential,
        territory_goals.goal as territory_goal,
        company.company_goal,
        coalesce(rolled_accounts.company_potential_here, 0)
            / nullif(company.company_potential, 0) as potential_share
    from territories
    inner join (select distinct node_id from nodes) as shown
        on shown.node_id = territories.territory_id
    cross join company
    left join rolled_deals on rolled_deals.node_id = territories.territory_id
    left join rolled_accounts on rolled_accounts.node_id = territories.territory_id
    left join territory_goals on territory_goals.territory_id = territories.territory_id
)

select * from final
where accounts > 0 or won + lost + open_deals > 0 or territory_goal is not null
order by depth, territory_name
