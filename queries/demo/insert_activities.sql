-- Demo activities: a call, meeting, presentation and proposal as deals reach stages 1, 3,
-- 5 and 7, and an after-sales follow-up for every won deal (some still open at $as_of).
insert into activities by name
with deals as (
    select
        opportunity_id, deal_index, account_id, owner_rep_id, stage_entered_at, is_won and is_closed as is_won, closed_at
    from demo_deals
),

stage_activities as (
    select
        deals.opportunity_id,
        deals.account_id,
        deals.owner_rep_id as rep_id,
        case entered.k
            when 1 then 'call' when 3 then 'meeting' when 5 then 'presentation' else 'proposal'
        end as activity_type,
        deals.stage_entered_at[entered.k]
            + to_hours(1 + floor(demo_uniform(deals.deal_index, 40 + entered.k, $seed) * 40)::integer)
            as occurred_at,
        null::date as due_date,
        true as is_done
    from deals
    cross join lateral (select unnest([1, 3, 5, 7]) as k) as entered
    where entered.k <= length(deals.stage_entered_at)
),

follow_ups as (
    select
        opportunity_id,
        account_id,
        owner_rep_id as rep_id,
        'follow_up' as activity_type,
        closed_at + interval 14 day as occurred_at,
        (closed_at + interval 14 day)::date as due_date,
        closed_at + interval 14 day < cast($as_of as timestamp) - interval 3 day
            and demo_uniform(deal_index, 50, $seed) < 0.9 as is_done
    from deals
    where is_won
),

final as (
    select * from stage_activities where occurred_at <= cast($as_of as timestamp)
    union all
    select * from follow_ups
)

select
    opportunity_id,
    account_id,
    rep_id,
    activity_type,
    occurred_at,
    case activity_type
        when 'call' then 'Discovery call'
        when 'meeting' then 'Requirements meeting'
        when 'presentation' then 'Solution presentation'
        when 'proposal' then 'Proposal sent'
        else 'After-sales follow-up'
    end as subject,
    due_date,
    is_done
from final
