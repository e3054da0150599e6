-- Demand per product and month for the subject scope ($subject_kind / $subject_id, as in
-- summarise_scope_deals) among deals the viewer may see ($scope_kind, $scope_rep_id,
-- $scope_team_id): one row per product (plus
-- 'No product' when such deals exist) and month in [$months_start, $months_end) with
-- pipeline_amount and pipeline_expected (open deals expected to close in the month: amount
-- and amount x probability), last_year (bookings in the same month a year earlier) and
-- trailing_average (average monthly bookings over the 12 months before $current_month).
with subject_deals as (
    select deals.*
    from scoped_deals(
        $scope_kind,
        $scope_rep_id,
        $scope_team_id,
        case when $subject_kind = 'team' then $subject_id end,
        case when $subject_kind = 'territory' then $subject_id end,
        case when $subject_kind = 'product' then $subject_id end,
        null
    ) as deals
    where ($subject_kind <> 'rep' or deals.owner_rep_id = $subject_id)
        and ($subject_kind <> 'segment' or deals.account_id in (
            select account_id from accounts where segment_id = $subject_id
        ))
),

months as (
    select unnest(generate_series(
        cast($months_start as date),
        cast($months_end as date) - interval 1 day,
        interval 1 month
    ))::date as month_start
),

product_list as (
    select product_id, product_name, product_family
    from products
    where is_active or product_id in (select product_id from subject_deals)
    union all
    select null as product_id, 'No product' as product_name, null as product_family
    where exists (select 1 from subject_deals where product_id is null)
),

open_due as (
    select
        product_id,
        date_trunc('month', expected_close_date)::date as month_start,
        sum(amount_rc) as pipeline_amount,
        sum(amount_rc * probability / 100) as pipeline_expected
    from subject_deals
    where not is_won and not is_lost
        and expected_close_date >= cast($months_start as date)
        and expected_close_date < cast($months_end as date)
    group by all
),

last_year as (
    select
        product_id,
        (date_trunc('month', closed_at) + interval 12 month)::date as month_start,
        sum(amount_rc) as bookings
    from subject_deals
    where is_won
        and closed_at >= cast($months_start as date) - interval 12 month
        and closed_at < cast($months_end as date) - interval 12 month
    group by all
),

trailing_year as (
    select product_id, sum(amount_rc) / 12 as trailing_average
    from subject_deals
    where is_won
        and closed_at >= cast($current_month as date) - interval 12 month
        and closed_at < cast($current_month as date)
    group by all
),

final as (
    select
        product_list.product_id,
        product_list.product_name,
        product_list.product_family,
        months.month_start,
        coalesce(open_due.pipeline_amount, 0)::decimal(18, 2) as pipeline_amount,
        coalesce(open_due.pipeline_expected, 0)::decimal(18, 2) as pipeline_expected,
        coalesce(last_year.bookings, 0)::decimal(18, 2) as last_year,
        coalesce(trailing_year.trailing_average, 0)::decimal(18, 2) as trailing_average
    from product_list
    cross join months
    left join open_due
        on open_due.product_id is not distinct from product_list.product_id
        and open_due.month_start = months.month_start
    left join last_year
        on last_year.product_id is not distinct from product_list.product_id
        and last_year.month_start = months.month_start
    left join trailing_year on trailing_year.product_id is not distinct from product_list.product_id
)

select * from final
order by month_start, product_id nulls last
