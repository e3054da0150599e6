-- demo_deals (temp table): one row per generated deal with its whole life up to $as_of:
-- creation, stage entry times, furthest stage, outcome, amounts, expected close dates.
-- $n_deals deals created over the three years before $as_of; deterministic for $seed.
create temp table demo_deals as
with account_count as (
    select count(*) as n_accounts from accounts
),

drawn as (
    select
        range + 1 as opportunity_id,
        range as deal_index,
        floor(1095 * pow(demo_uniform(range, 1, $seed), 0.8))::integer as created_day,
        (floor(pow(demo_uniform(range, 2, $seed), 1.4) * account_count.n_accounts) + 1)::integer
            as account_id,
        demo_uniform(range, 3, $seed) as u_product,
        demo_uniform(range, 4, $seed) as u_source,
        demo_uniform(range, 5, $seed) as u_rating,
        demo_uniform(range, 6, $seed) as u_qty,
        demo_uniform(range, 7, $seed) as u_discount,
        demo_uniform(range, 8, $seed) as u_hour,
        [demo_uniform(range, 11, $seed), demo_uniform(range, 12, $seed),
         demo_uniform(range, 13, $seed), demo_uniform(range, 14, $seed),
         demo_uniform(range, 15, $seed), demo_uniform(range, 16, $seed)] as u_advance,
        demo_uniform(range, 17, $seed) as u_win,
        [demo_uniform(range, 21, $seed), demo_uniform(range, 22, $seed),
         demo_uniform(range, 23, $seed), demo_uniform(range, 24, $seed),
         demo_uniform(range, 25, $seed), demo_uniform(range, 26, $seed),
         demo_uniform(range, 27, $seed)] as u_duration,
        demo_uniform(range, 30, $seed) as u_quarter_push,
        demo_uniform(range, 31, $seed) as u_quarter_day,
        demo_uniform(range, 32, $seed) as u_amount_change,
        demo_uniform(range, 33, $seed) as u_amount_factor,
        demo_uniform(range, 34, $seed) as u_planned,
        demo_uniform(range, 35, $seed) as u_new_expected,
        demo_uniform(range, 36, $seed) as u_loss_reason
    from range($n_deals)
    cross join account_count
),

described as (
    select
        drawn.*,
        accounts.account_name,
        accounts.owner_rep_id,
        accounts.territory_id,
        accounts.segment_id,
        products.product_id,
        products.product_name,
        products.list_price,
        products.is_recurring,
        reps.skill,
        case
            when drawn.u_source < 0.15 then 'Referral'
            when drawn.u_source < 0.40 then 'Web'
            when drawn.u_source < 0.60 then 'Outbound'
            when drawn.u_source < 0.72 then 'Event'
            when drawn.u_source < 0.82 then 'Partner'
            when drawn.u_source < 0.90 then 'Inbound call'
            else 'Paid ads'
        end as lead_source,
        case
            when drawn.u_rating < 0.20 then 'hot'
            when drawn.u_rating < 0.65 then 'warm'
            else 'cold'
        end as lead_rating,
        case accounts.segment_id when 1 then 0.7 when 2 then 1.0 else 1.6 end as segment_factor,
        (cast($as_of as date) - 1095 + drawn.created_day) as created_date_raw
    from drawn
    inner join accounts on accounts.account_id = drawn.account_id
    inner join demo_products as products
        on drawn.u_product >= products.cum_lo and drawn.u_product < products.cum_hi
    inner join demo_reps as reps on reps.rep_id = accounts.owner_rep_id
),

priced as (
    select
        described.*,
        least(
            cast($as_of as timestamp) - interval 1 hour,
            (created_date_raw + case dayofweek(created_date_raw) when 6 then 2 when 0 then 1 else 0 end)
                + to_hours(8 + floor(u_hour * 10)::integer)
                + to_minutes(floor(u_hour * 600)::integer % 60)
        ) as created_at,
        (case lead_rating when 'hot' then 1.12 when 'warm' then 1.0 else 0.86 end)
            * (case lead_source when 'Referral' then 1.08 when 'Partner' then 1.04 else 1.0 end)
            * skill as conversion_factor,
        case segment_id
            when 1 then 1 + floor(u_qty * 4)
            when 2 then 2 + floor(pow(u_qty, 1.5) * 14)
            else 5 + floor(pow(u_qty, 2) * 60)
        end as quantity,
        floor(u_discount * case lead_rating when 'cold' then 11 when 'warm' then 9 else 6 end)
            * 2.5 as discount_pct
    from described
),

timed as (
    select
        priced.*,
        round(list_price * quantity * (1 - discount_pct / 100), 2)::decimal(18, 2) as amount_final,
        list_transform(
            [6, 8, 10, 9, 7, 11, 13],
            (mean_days, k) -> greatest(86400, (-ln(u_duration[k]) * mean_days * segment_factor * 86400)::bigint)
        ) as duration_seconds,
        case
            when u_advance[1] >= least(0.97, 0.82 * conversion_factor) then 1
            when u_advance[2] >= least(0.97, 0.80 * conversion_factor) then 2
            when u_advance[3] >= least(0.97, 0.85 * conversion_factor) then 3
            when u_advance[4] >= least(0.97, 0.85 * conversion_factor) then 4
            when u_advance[5] >= least(0.97, 0.82 * conversion_factor) then 5
            when u_advance[6] >= least(0.97, 0.88 * conversion_factor) then 6
            else 7
        end as furthest_stage,
        (created_at + to_days(greatest(14, round(64 * segment_factor * (0.6 + u_planned * 0.6))::integer)))::date
            as initial_expected_date
    from priced
),

staged as (
    select
        timed.*,
        -- entry time of each stage 1..7 (cumulative durations)
        list_transform(
            range(1, 8),
            k -> created_at + to_seconds(coalesce(list_sum(list_slice(duration_seconds, 1, k - 1)), 0))
        ) as stage_entered_at,
        furthest_stage = 7 and u_win < least(0.95, 0.68 * conversion_factor) as is_won,
        case
            when u_amount_change < 0.35
                then round(amount_final * (0.75 + u_amount_factor * 0.5) / 100) * 100
            else amount_final
        end::decimal(18, 2) as amount_initial_raw
    from timed
),

closed as (
    select
        staged.*,
        stage_entered_at[furthest_stage] + to_seconds(duration_seconds[furthest_stage]) as close_at_raw
    from staged
),

final_times as (
    select
        closed.*,
        case
            when is_won and u_quarter_push < 0.35
                then greatest(
                    close_at_raw,
                    date_trunc('quarter', close_at_raw) + interval 3 month
                        - to_days(1 + floor(u_quarter_day * 9)::integer) + interval 15 hour
                )
            else close_at_raw
        end as close_at
    from closed
),

settled as (
    select
        final_times.*,
        close_at <= cast($as_of as timestamp) as is_closed,
        length(list_filter(list_slice(stage_entered_at, 1, furthest_stage), entered -> entered <= cast($as_of as timestamp)))
            as stages_entered,
        case
            when amount_initial_raw <> amount_final and furthest_stage >= 3
                and stage_entered_at[3] + interval 1 hour <= cast($as_of as timestamp)
                then stage_entered_at[3] + interval 1 hour
        end as amount_changed_at,
        case when close_at <= cast($as_of as timestamp) then close_at else cast($as_of as timestamp) end as end_at
    from final_times
),

final as (
    select
        settled.opportunity_id,
        settled.deal_index,
        settled.account_id,
        settled.account_name || ' - ' || settled.product_name as opportunity_name,
        settled.owner_rep_id,
        settled.product_id,
        settled.territory_id,
        settled.is_recurring,
        settled.lead_source,
        settled.lead_rating,
        settled.discount_pct::decimal(5, 2) as discount_pct,
        settled.created_at,
        list_slice(settled.stage_entered_at, 1, settled.stages_entered) as stage_entered_at,
        settled.furthest_stage,
        settled.is_won,
        settled.is_closed,
        case when settled.is_closed then settled.close_at end as closed_at,
        case
            when settled.is_closed and settled.is_won then 8
            when settled.is_closed then 9
            else settled.stages_entered
        end as stage_id,
        settled.amount_initial_raw as amount_initial,
        amount_final,
        settled.amount_changed_at,
        settled.initial_expected_date,
        case
            when settled.initial_expected_date < settled.end_at::date
                then greatest(
                    settled.created_at + interval 1 hour,
                    least(settled.initial_expected_date + interval 9 hour, settled.end_at - interval 1 minute)
                )
        end as pushed_at,
        case
            when settled.is_closed then settled.close_at::date
            else cast($as_of as date) + 7 + floor(settled.u_new_expected * 50)::integer
        end as pushed_expected_date,
        case
            when settled.is_closed and not settled.is_won
                then list_element(
                    ['Price', 'Competitor', 'No decision', 'Timing', 'Product fit', 'Budget'],
                    floor(settled.u_loss_reason * 6)::integer + 1
                )
        end as loss_reason
    from settled
)

select
    final.*,
    -- amount_current: the amount the deal has at $as_of
    case when amount_changed_at is null then amount_initial else amount_final end as amount_current,
    case
        when is_closed then closed_at::date
        when pushed_at is not null then pushed_expected_date
        else initial_expected_date
    end as expected_close_date
from final
