-- Demo bookings goals per rep and quarter, from the first quarter of data to the one after
-- $as_of. Past quarters: the rep's actual bookings give or take a quarter (attainment
-- ~80-115%); the current and next quarter: last year's same quarter plus 15% growth.
insert into goals by name
with quarters as (
    select unnest(generate_series(
        date_trunc('quarter', cast($as_of as date) - 1095),
        date_trunc('quarter', cast($as_of as date)) + interval 3 month,
        interval 3 month
    ))::date as period_start
),

rep_quarters as (
    select reps.rep_id, quarters.period_start
    from reps
    cross join quarters
),

actuals as (
    select
        owner_rep_id as rep_id,
        date_trunc('quarter', closed_at)::date as period_start,
        sum(amount_rc) as bookings
    from opportunities
    where stage_id = 8
    group by all
),

based as (
    select
        rep_quarters.rep_id,
        rep_quarters.period_start,
        coalesce(this_year.bookings, 0) as actual,
        coalesce(last_year.bookings, 0) as actual_last_year,
        rep_quarters.period_start + interval 3 month <= cast($as_of as date) as is_complete,
        demo_uniform(rep_quarters.rep_id * 1000 + year(rep_quarters.period_start) * 4
            + quarter(rep_quarters.period_start), 80, $seed) as u_noise
    from rep_quarters
    left join actuals as this_year
        on this_year.rep_id = rep_quarters.rep_id
        and this_year.period_start = rep_quarters.period_start
    left join actuals as last_year
        on last_year.rep_id = rep_quarters.rep_id
        and last_year.period_start = rep_quarters.period_start - interval 12 month
)

select
    'quarter' as period_kind,
    period_start,
    (period_start + interval 3 month)::date as period_end,
    'rep' as scope_kind,
    rep_id as scope_id,
    'bookings' as metric,
    greatest(
        10000,
        round(
            case
                when is_complete then actual * (0.88 + 0.32 * u_noise)
                else actual_last_year * 1.15 * (0.95 + 0.1 * u_noise)
            end,
            -3
        )
    )::decimal(18, 2) as target
from based
