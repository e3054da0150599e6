-- Actuals: one row per item of $measure_items (a list of structs item_index, scope_kind,
-- scope_id, metric, period_start, period_end) with the item's actual, counting what happened
-- in [period_start, least(period_end, $as_of)) among the rows the viewer may see
-- ($scope_kind, $scope_rep_id, $scope_team_id through scoped_deals / visible_reps).
-- $first_at / $last_at (timestamps) bound every item's period, and $fact_kinds lists the
-- kinds of rows the items need ('deal', 'account', 'activity'), so nothing else is read.
-- Metrics: bookings = sum(amount_rc) of won deals closed in the period; won_deals = their
-- count; new_accounts = accounts created in the period; activities = done activities that
-- occurred in the period.
-- Scope of an item: company = everything; rep = the deal owner / account owner / activity
-- rep; team = the reps of the team's subtree; territory = the territory's subtree (the
-- deal's territory; the account's territory for accounts and activities); product = the
-- deal's product (an activity's deal's product); segment = the account's segment.
with recursive team_tree as (
    select team_id as root_team_id, team_id from teams
    union all
    select team_tree.root_team_id, child.team_id
    from team_tree
    inner join teams as child on child.parent_team_id = team_tree.team_id
),

territory_tree as (
    select territory_id as root_territory_id, territory_id from territories
    union all
    select territory_tree.root_territory_id, child.territory_id
    from territory_tree
    inner join territories as child on child.parent_territory_id = territory_tree.territory_id
),

items as (
    select
        item.item_index,
        item.scope_kind,
        item.scope_id,
        item.metric,
        cast(item.period_start as timestamp) as period_start,
        least(cast(item.period_end as timestamp), cast($as_of as timestamp)) as period_cut,
        case item.metric
            when 'bookings' then 'deal'
            when 'won_deals' then 'deal'
            when 'new_accounts' then 'account'
            when 'activities' then 'activity'
        end as fact_kind
    from (select unnest($measure_items) as item) as listed
),

viewer_reps as (
    select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
),

won_deals as (
    select
        'deal' as fact_kind,
        deals.closed_at as occurred_at,
        deals.amount_rc as amount,
        deals.owner_rep_id as rep_id,
        deals.territory_id,
        deals.product_id,
        accounts.segment_id
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as deals
    left join accounts on accounts.account_id = deals.account_id
    where deals.is_won
        and deals.closed_at >= $first_at
        and deals.closed_at < $last_at
        and list_contains($fact_kinds, 'deal')
),

new_accounts as (
    select
        'account' as fact_kind,
        accounts.created_at as occurred_at,
        0::decimal(18, 2) as amount,
        accounts.owner_rep_id as rep_id,
        accounts.territory_id,
        null::integer as product_id,
        accounts.segment_id
    from accounts
    where ($scope_kind = 'all' or accounts.owner_rep_id in (select rep_id from viewer_reps))
        and accounts.created_at >= $first_at
        and accounts.created_at < $last_at
        and list_contains($fact_kinds, 'account')
),

done_activities as (
    select
        'activity' as fact_kind,
        activities.occurred_at,
        0::decimal(18, 2) as amount,
        activities.rep_id,
        coalesce(accounts.territory_id, opportunities.territory_id) as territory_id,
        opportunities.product_id,
        accounts.segment_id
    from activities
    left join accounts on accounts.account_id = activities.account_id
    left join opportunities on opportunities.opportunity_id = activities.opportunity_id
    where activities.is_done
        and activities.rep_id in (select rep_id from viewer_reps)
        and activities.occurred_at >= $first_at
        and activities.occurred_at < $last_at
        and list_contains($fact_kinds, 'activity')
),

facts as (
    select * from won_deals
    union all
    select * from new_accounts
    union all
    select * from done_activities
),

rep_members as (
    select items.item_index, items.scope_id as rep_id
    from items
    where items.scope_kind = 'rep'
    union all
    select items.item_index, reps.rep_id
    from items
    inner join team_tree on items.scope_kind = 'team' and team_tree.root_team_id = items.scope_id
    inner join reps on reps.team_id = team_tree.team_id
),

matched as (
    select items.item_index, items.metric, items.period_start, items.period_cut, facts.*
    from items
    inner join facts on facts.fact_kind = items.fact_kind and items.scope_kind = 'company'
    union all
    select items.item_index, items.metric, items.period_start, items.period_cut, facts.*
    from rep_members
    inner join items on items.item_index = rep_members.item_index
        and items.scope_kind in ('rep', 'team')
    inner join facts on facts.fact_kind = items.fact_kind and facts.rep_id = rep_members.rep_id
    union all
    select items.item_index, items.metric, items.period_start, items.period_cut, facts.*
    from items
    inner join territory_tree
        on items.scope_kind = 'territory' and territory_tree.root_territory_id = items.scope_id
    inner join facts
        on facts.fact_kind = items.fact_kind and facts.territory_id = territory_tree.territory_id
    union all
    select items.item_index, items.metric, items.period_start, items.period_cut, facts.*
    from items
    inner join facts on facts.fact_kind = items.fact_kind
        and items.scope_kind = 'product' and facts.product_id = items.scope_id
    union all
    select items.item_index, items.metric, items.period_start, items.period_cut, facts.*
    from items
    inner join facts on facts.fact_kind = items.fact_kind
        and items.scope_kind = 'segment' and facts.segment_id = items.scope_id
),

totals as (
    select
        item_index,
        sum(case metric when 'bookings' then amount else 1 end) as actual
    from matched
    where occurred_at >= period_start and occurred_at < period_cut
    group by item_index
),

final as (
    select items.item_index, coalesce(totals.actual, 0)::decimal(18, 2) as actual
    from items
    left join totals on totals.item_index = items.item_index
)

select * from final
order by item_index
