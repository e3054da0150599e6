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
        later.entity,
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

-- the deals that stay, with the last batch that changed each
deals_left as (
    select deals_after.*, batch_of_deal.batch_id
    from deals_after
    left join batch_of_deal on batch_of_deal.opportunity_id = deals_after.opportunity_id
),

-- every reference to a record from what stands after the undo, one row each: the kind and
-- id referred to; the referring record (kind and id) where the batch may have created it too,
-- so that it goes with the undo and does not block; the later batch that blocks, or
-- blocked_by_batch_of naming the referrer's kind when the blocking batch is whichever loaded
-- the referrer; and what blocks, in words
record_references as (
    select
        'account' as kind,
        account_id as entity_id,
        null as referrer_kind,
        null as referrer_id,
        null as blocked_by_batch_of,
        batch_id as blocking_batch_id,
        'used by a deal it did not load' as detail
    from deals_left
    union all
    select 'rep', owner_rep_id, null, null, null, batch_id, 'owns a deal it did not load'
    from deals_left
    union all
    select 'product', product_id, null, null, null, batch_id, 'on a deal it did not load'
    from deals_left
    union all
    select 'rep', owner_rep_id, null, null, null, batch_id, 'named in the history of a deal'
    from opportunity_events
    where batch_id is null or batch_id <> $batch_id
    union all
    select 'rep', owner_rep_id, null, null, null, null, 'owns an account' from accounts_after
    union all
    select 'rep', rep_id, null, null, null, null, 'has a sign-in account' from users
    union all
    select 'rep', rep_id, null, null, null, null, 'has activities' from activities
    union all
    select 'team', team_id, 'rep', rep_id, null, null, 'has a rep it did not create' from reps
    union all
    select 'team', parent_team_id, 'team', team_id, null, null, 'has a team it did not create'
    from teams
    union all
    select 'team', team_id, null, null, null, null, 'is managed by a sign-in account' from users
    union all
    select 'opportunity', opportunity_id, null, null, null, null, 'has activities'
    from activities
    union all
    select 'opportunity', opportunity_id, null, null, null, null, 'has orders' from orders
    union all
    select 'account', account_id, 'order', order_id, null, null, 'has orders' from orders
    union all
    select 'account', account_id, null, null, null, null, 'has contacts' from contacts
    union all
    select 'account', account_id, null, null, null, null, 'has activities' from activities
    union all
    select 'order', order_id, 'return', return_id, 'return', null, 'has a return it did not load'
    from returns
    union all
    select
        'order', order_id, 'order_line', order_line_id, 'order_line', null,
        'has a line it did not load'
    from order_lines
    union all
    select 'product', product_id, 'order_line', order_line_id, null, null, 'is on an order line'
    from order_lines
),

references_to_created as (
    select
        case refs.kind when 'opportunity' then 'deal' else refs.kind end as entity,
        refs.entity_id,
        coalesce(refs.blocking_batch_id, later.batch_id) as blocking_batch_id,
        refs.detail
    from record_references as refs
    inner join created on created.entity = refs.kind and created.entity_id = refs.entity_id
    left join created as created_referrer
        on created_referrer.entity = refs.referrer_kind
        and created_referrer.entity_id = refs.referrer_id
    left join import_changes as later
        on later.entity = refs.blocked_by_batch_of and later.entity_id = refs.referrer_id
    where created_referrer.entity_id is null
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
order by blocking_batch_id nulls last, entity, entity_id, detail
