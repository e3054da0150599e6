-- Demo history: for every deal, its creation, each stage entered, an amount change, a
-- close-date push and the win or loss, each row carrying the deal's state right after it.
insert into opportunity_events by name
with deals as (
    select * from demo_deals
),

changes as (
    -- created
    select
        opportunity_id, created_at as occurred_at, 'created' as event_type,
        null as field_name, null as old_value, 'Prospecting' as new_value, 1 as stage_id
    from deals

    union all

    -- each stage entered after the first
    select
        opportunity_id, stage_entered_at[entered.k] as occurred_at, 'stage_changed' as event_type,
        'stage' as field_name, previous_stage.stage_name as old_value,
        next_stage.stage_name as new_value, entered.k as stage_id
    from deals
    cross join lateral (select unnest(range(2, length(stage_entered_at) + 1)) as k) as entered
    inner join stages as previous_stage on previous_stage.stage_id = entered.k - 1
    inner join stages as next_stage on next_stage.stage_id = entered.k

    union all

    -- amount revised after gathering information
    select
        opportunity_id, amount_changed_at as occurred_at, 'updated' as event_type,
        'amount' as field_name, amount_initial::varchar as old_value,
        amount_final::varchar as new_value, null as stage_id
    from deals
    where amount_changed_at is not null

    union all

    -- expected close date pushed out
    select
        opportunity_id, pushed_at as occurred_at, 'updated' as event_type,
        'expected_close_date' as field_name, initial_expected_date::varchar as old_value,
        pushed_expected_date::varchar as new_value, null as stage_id
    from deals
    where pushed_at is not null

    union all

    -- won or lost
    select
        deals.opportunity_id, deals.closed_at as occurred_at,
        case when deals.is_won then 'won' else 'lost' end as event_type,
        'stage' as field_name, closing_stage.stage_name as old_value,
        case when deals.is_won then 'Won' else 'Lost' end as new_value,
        case when deals.is_won then 8 else 9 end as stage_id
    from deals
    inner join stages as closing_stage on closing_stage.stage_id = length(deals.stage_entered_at)
    where deals.is_closed
),

final as (
    select
        changes.opportunity_id,
        changes.occurred_at,
        'demo' as origin,
        changes.event_type,
        changes.field_name,
        changes.old_value,
        changes.new_value,
        -- the stage at that moment: the event's own, or the last stage entered by then
        coalesce(
            changes.stage_id,
            length(list_filter(deals.stage_entered_at, entered -> entered <= changes.occurred_at))
        ) as stage_id,
        case
            when deals.amount_changed_at is not null and changes.occurred_at >= deals.amount_changed_at
                then deals.amount_final
            else deals.amount_initial
        end as amount_rc,
        deals.owner_rep_id,
        case
            when changes.event_type in ('won', 'lost') then deals.closed_at::date
            when deals.pushed_at is not null and changes.occurred_at >= deals.pushed_at
                then deals.pushed_expected_date
            else deals.initial_expected_date
        end as expected_close_date
    from changes
    inner join deals on deals.opportunity_id = changes.opportunity_id
)

select
    final.*,
    stages.default_probability as probability,
    stages.forecast_category
from final
inner join stages on stages.stage_id = final.stage_id
order by final.opportunity_id, final.occurred_at
