-- One row: the ARR bridge of recurring deals in scope ($scope_kind, $scope_rep_id,
-- $scope_team_id) from the instant $start to the instant $end. A won recurring deal's
-- amount is annual recurring revenue for $term_months months from its close: active at an
-- instant t when closed_at < t <= closed_at + term. Per customer (account; a deal without
-- one is its own customer) ARR at $start and at $end gives new (none at start), expansion
-- (more), contraction (less, not none), churn (none at end); so start + new + expansion -
-- contraction - churn = end. Also customers at start and end, new and churned customers,
-- and recurring_deals (won recurring deals in scope, ever).
with recurring as (
    select
        coalesce(account_id, -opportunity_id) as customer_key,
        amount_rc,
        closed_at
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
    where is_won and is_recurring and closed_at is not null
),

per_customer as (
    select
        customer_key,
        coalesce(sum(amount_rc) filter (
            where closed_at < $start and closed_at + to_months($term_months) >= $start
        ), 0) as arr_start,
        coalesce(sum(amount_rc) filter (
            where closed_at < $end and closed_at + to_months($term_months) >= $end
        ), 0) as arr_end
    from recurring
    group by customer_key
),

classified as (
    select
        arr_start,
        arr_end,
        case when arr_start = 0 and arr_end > 0 then arr_end else 0 end as new_arr,
        case when arr_start > 0 and arr_end > arr_start then arr_end - arr_start else 0 end
            as expansion_arr,
        case when arr_end > 0 and arr_end < arr_start then arr_start - arr_end else 0 end
            as contraction_arr,
        case when arr_start > 0 and arr_end = 0 then arr_start else 0 end as churned_arr
    from per_customer
),

final as (
    select
        coalesce(sum(arr_start), 0) as arr_start,
        coalesce(sum(new_arr), 0) as new_arr,
        coalesce(sum(expansion_arr), 0) as expansion_arr,
        coalesce(sum(contraction_arr), 0) as contraction_arr,
        coalesce(sum(churned_arr), 0) as churned_arr,
        coalesce(sum(arr_end), 0) as arr_end,
        count(*) filter (where arr_start > 0) as customers_start,
        count(*) filter (where arr_end > 0) as customers_end,
        count(*) filter (where arr_start = 0 and arr_end > 0) as customers_new,
        count(*) filter (where arr_start > 0 and arr_end = 0) as customers_churned,
        (select count(*) from recurring) as recurring_deals
    from classified
)

select * from final
