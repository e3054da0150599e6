-- Returns dated in [$range_start, $range_end) and cancelled orders dated in it (orders carry
-- no cancellation date, so a cancellation counts on its order date), for orders credited to a
-- rep the viewer may see ($scope_kind, $scope_rep_id, $scope_team_id), optionally only rep
-- $only_rep_id. One row per reversal: kind ('return' | 'cancellation'), its id (return_id, or
-- the order_id for a cancellation), the order and its deal, the reversal date, the returned
-- amount (null for a cancellation), the order's returns before this one (all of them for a
-- cancellation), the order total, the order date and the deal's win date.
with order_totals as (
    select order_id, sum(sales_amount) as order_total
    from order_lines
    group by order_id
),

return_history as (
    select
        return_id,
        order_id,
        returned_date,
        return_amount,
        reason,
        coalesce(
            sum(return_amount) over (
                partition by order_id
                order by returned_date, return_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as returned_before
    from returns
),

returned as (
    select order_id, sum(return_amount) as returned_total
    from returns
    group by order_id
),

reversals as (
    select
        'return' as reversal_kind,
        return_id as reversal_id,
        order_id,
        returned_date as event_date,
        return_amount as amount,
        returned_before,
        reason
    from return_history
    where returned_date >= $range_start and returned_date < $range_end
    union all
    select
        'cancellation' as reversal_kind,
        orders.order_id as reversal_id,
        orders.order_id,
        orders.order_date as event_date,
        null as amount,
        coalesce(returned.returned_total, 0) as returned_before,
        'Order cancelled' as reason
    from orders
    left join returned on returned.order_id = orders.order_id
    where orders.order_status = 'cancelled'
        and orders.order_date >= $range_start
        and orders.order_date < $range_end
),

final as (
    select
        reversals.reversal_kind,
        reversals.reversal_id,
        reversals.order_id,
        orders.opportunity_id,
        coalesce(opportunities.owner_rep_id, accounts.owner_rep_id) as rep_id,
        reversals.event_date,
        reversals.amount::decimal(18, 4) as amount,
        reversals.returned_before::decimal(18, 4) as returned_before,
        coalesce(order_totals.order_total, 0)::decimal(18, 4) as order_total,
        orders.order_date,
        opportunities.closed_at::date as won_on,
        opportunities.opportunity_name,
        coalesce(orders.customer_name, accounts.account_name) as customer_name,
        reversals.reason
    from reversals
    inner join orders on orders.order_id = reversals.order_id
    left join opportunities on opportunities.opportunity_id = orders.opportunity_id
    left join accounts on accounts.account_id = orders.account_id
    left join order_totals on order_totals.order_id = reversals.order_id
)

select * from final
where rep_id in (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))
    and ($only_rep_id is null or rep_id = $only_rep_id)
order by event_date, reversal_kind, reversal_id
