-- Deal figures of what was loaded, one row per group_key ($group_by: stage, owner, team,
-- account, account_state, account_country, product, source_system; anything else one row
-- 'All'): deals, won, lost and open with their amounts and the weighted open amount. Deals the
-- viewer may see ($scope_kind, $scope_rep_id, $scope_team_id), optionally only those batch
-- $batch_id created or updated (null = all deals) and from $source_system (null = any).
with deals as (
    select
        scoped.*,
        accounts.account_name,
        accounts.billing_state,
        accounts.billing_country
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as scoped
    left join accounts on accounts.account_id = scoped.account_id
    where ($batch_id is null or scoped.opportunity_id in (
            select entity_id from import_changes
            where batch_id = $batch_id and entity = 'opportunity'
        ))
        and ($source_system is null or scoped.source_system = $source_system)
),

keyed as (
    select
        case $group_by
            when 'stage' then stage_name
            when 'owner' then owner_name
            when 'team' then team_name
            when 'account' then account_name
            when 'account_state' then billing_state
            when 'account_country' then billing_country
            when 'product' then product_name
            when 'source_system' then source_system
            else 'All'
        end as group_key,
        case $group_by when 'stage' then stage_order end as group_order,
        is_won,
        is_lost,
        amount_rc,
        probability
    from deals
),

final as (
    select
        group_key,
        min(group_order) as group_order,
        count(*) as deals,
        count(*) filter (where is_won) as won,
        count(*) filter (where is_lost) as lost,
        count(*) filter (where not is_won and not is_lost) as open,
        coalesce(sum(amount_rc) filter (where is_won), 0) as won_amount,
        coalesce(sum(amount_rc) filter (where is_lost), 0) as lost_amount,
        coalesce(sum(amount_rc) filter (where not is_won and not is_lost), 0) as open_amount,
        coalesce(
            sum(amount_rc * probability / 100) filter (where not is_won and not is_lost), 0
        )::decimal(18, 2) as weighted_amount
    from keyed
    group by group_key
)

select * from final
order by group_order nulls last, won_amount desc, open_amount desc, group_key
