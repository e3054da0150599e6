-- What stops batch $batch_id from being undone exactly, one row per blocking record: later
-- changes to records the batch created or updated (by a later batch, or in the app), and
-- records of others that refer to what the batch created. blocking_batch_id names the later
-- batch when there is one; detail says what blocks.
with changes as (
    select entity, entity_id, action
    from import_changes
    where batch_id = $batch_id
),

deal_ids as (
    select entity_id as opportunity_id, action from changes where entity = 'opportunity'
),

first_events as (
    select opportunity_id, min(event_id) as first_event_id
    from opportunity_events
    where batch_id = $batch_id
    group by opportunity_id
),

later_deal_changes as (
    select
        'deal' as entity,
        events.opportunity_id as entity_id,
        events.batch_id as blocking_batch_id,
        case
            when events.batch_id is not null then 'changed by a later import'
            else 'changed in the app on ' || strftime(events.occurred_at, '%Y-%m-%d')
                || coalesce(' by ' || users.display_name, '')
        end as detail
    from opportunity_events as events
    inner join deal_ids on deal_ids.opportunity_id = events.opportunity_id
    left join first_events on first_events.opportunity_id = events.opportunity_id
    left join users on users.user_id = events.actor_user_id
    where (events.batch_id is null or events.batch_id <> $batch_id)
        and (deal_ids.action = 'created' or events.event_id > first_events.first_event_id)
),

later_updates as (
    select
        case later.entity when 'account' then 'account' else later.entity end as entity,
        later.entity_id,
        later.batch_id as blocking_batch_id,
        'changed by a later import' as detail
    from import_changes as later
    inner join changes on changes.entity = later.entity and changes.entity_id = later.entity_id
    inner join import_batches as batches on batches.batch_id = later.batch_id
    where later.batch_id > $batch_id
        and batches.status = 'loaded'
        and later.action = 'updated'
        and later.entity <> 'opportunity'
),

created as (
    select entity, entity_id from changes where action = 'created'
),

batch_of_deal as (
    select opportunity_id, max(batch_id) as batch_id
    from opportunity_events
    group by opportunity_id
),

-- deals and accounts as they will stand after the undo: the batch's own new rows gone, the
-- rows it updated back as they were
deals_after as (
    select opportunity_id, account_id, owner_rep_id, product_id
    from opportunities
    where opportunity_id not in (select entity_id from created where entity = 'opportunity')
        and opportunity_id not in (
            select opportunity_id from import_deal_snapshots where batch_id = $batch_id
        )
    union all
    select opportunity_id, account_id, owner_rep_id, product_id
    from import_deal_snapshots
    where batch_id = $batch_id
),

accounts_after as (
    select account_id, owner_rep_id
    from accounts
    where account_id not in (select entity_id from created where entity = 'account')
        and account_id not in (
            select account_id from import_account_snapshots where batch_id = $batch_id
        )
    union all
    select account_id, owner_rep_id
    from import_account_snapshots
    where batch_id = $batch_id
),

references_to_created as (
    select
        'account' as entity,
        deals_after.account_id as entity_id,
        batch_of_deal.batch_id as blocking_batch_id,
        'used by a deal it did not load' as detail
    from deals_after
    inner join created on created.entity = 'account' and created.entity_id = deals_after.account_id
    left join batch_of_deal on batch_of_deal.opportunity_id = deals_after.opportunity_id
    union all
    select 'rep', deals_after.owner_rep_id, batch_of_deal.batch_id, 'owns a deal it did not load'
    from deals_after
    inner join created on created.entity = 'rep' and created.entity_id = deals_after.owner_rep_id
    left join batch_of_deal on batch_of_deal.opportunity_id = deals_after.opportunity_id
    union all
    select 'rep', events.owner_rep_id, events.batch_id, 'named in the history of a deal'
    from opportunity_events as events
    inner join created on created.entity = 'rep' and created.entity_id = events.owner_rep_id
    where events.batch_id is null or events.batch_id <> $batch_id
    union all
    select 'product', deals_after.product_id, batch_of_deal.batch_id, 'on a deal it did not load'
    from deals_after
    inner join created on created.entity = 'product' and created.entity_id = deals_after.product_id
    left join batch_of_deal on batch_of_deal.opportunity_id = deals_after.opportunity_id
    union all
    select 'rep', accounts_after.owner_rep_id, null, 'owns an account'
    from accounts_after
    inner join created on created.entity = 'rep' and created.entity_id = accounts_after.owner_rep_id
    union all
    select 'rep', users.rep_id, null, 'has a sign-in account'
    from users
    inner join created on created.entity = 'rep' and created.entity_id = users.rep_id
    union all
    select 'rep', activities.rep_id, null, 'has activities'
    from activities
    inner join created on created.entity = 'rep' and created.entity_id = activities.rep_id
    union all
    select 'team', reps.team_id, null, 'has a rep it did not create'
    from reps
    inner join created on created.entity = 'team' and created.entity_id = reps.team_id
    where reps.rep_id not in (select entity_id from created where entity = 'rep')
    union all
    select 'team', teams.parent_team_id, null, 'has a team it did not create'
    from teams
    inner join created on created.entity = 'team' and created.entity_id = teams.parent_team_id
    where teams.team_id not in (select entity_id from created where entity = 'team')
    union all
    select 'team', users.team_id, null, 'is managed by a sign-in account'
    from users
    inner join created on created.entity = 'team' and created.entity_id = users.team_id
    union all
    select 'deal', activities.opportunity_id, null, 'has activities'
    from activities
    inner join created on created.entity = 'opportunity' and created.entity_id = activities.opportunity_id
    union all
    select 'deal', orders.opportunity_id, null, 'has orders'
    from orders
    inner join created on created.entity = 'opportunity' and created.entity_id = orders.opportunity_id
    union all
    select 'account', orders.account_id, null, 'has orders'
    from orders
    inner join created on created.entity = 'account' and created.entity_id = orders.account_id
    where orders.order_id not in (select entity_id from created where entity = 'order')
    union all
    select 'account', contacts.account_id, null, 'has contacts'
    from contacts
    inner join created on created.entity = 'account' and created.entity_id = contacts.account_id
    union all
    select 'account', activities.account_id, null, 'has activities'
    from activities
    inner join created on created.entity = 'account' and created.entity_id = activities.account_id
    union all
    select 'order', returns.order_id, later.batch_id, 'has a return it did not load'
    from returns
    inner join created on created.entity = 'order' and created.entity_id = returns.order_id
    left join import_changes as later
        on later.entity = 'return' and later.entity_id = returns.return_id
    where returns.return_id not in (select entity_id from created where entity = 'return')
    union all
    select 'order', order_lines.order_id, later.batch_id, 'has a line it did not load'
    from order_lines
    inner join created on created.entity = 'order' and created.entity_id = order_lines.order_id
    left join import_changes as later
        on later.entity = 'order_line' and later.entity_id = order_lines.order_line_id
    where order_lines.order_line_id not in (
        select entity_id from created where entity = 'order_line'
    )
    union all
    select 'product', order_lines.product_id, null, 'is on an order line'
    from order_lines
    inner join created on created.entity = 'product' and created.entity_id = order_lines.product_id
    where order_lines.order_line_id not in (
        select entity_id from created where entity = 'order_line'
    )
),

final as (
    select * from later_deal_changes
    union all
    select * from later_updates
    union all
    select * from references_to_created
)

select entity, entity_id, blocking_batch_id, detail
from final
order by blocking_batch_id nulls last, entity, entity_id
