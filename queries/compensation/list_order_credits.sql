-- Orders dated in [$range_start, $range_end) credited to a rep the viewer may see
-- ($scope_kind, $scope_rep_id, $scope_team_id), optionally only rep $only_rep_id: one row per
-- order with its status, sales amount and profit (sums of its lines, to the cent), how many
-- lines carry no profit, and the rep: the owner of the order's deal, else the account owner.
-- The credit items of invoiced-revenue and margin plans.
with order_totals as (
    select
        order_id,
        sum(sales_amount) as sales_amount,
        sum(profit) as profit,
        count(*) filter (where profit is null) as lines_without_profit
    from order_lines
    group by order_id
),

attributed as (
    select
        orders.order_id,
        orders.opportunity_id,
        orders.order_date,
        orders.order_status,
        coalesce(orders.customer_name, accounts.account_name) as customer_name,
        opportunities.opportunity_name,
        coalesce(opportunities.owner_rep_id, accounts.owner_rep_id) as rep_id
    from orders
    left join opportunities on opportunities.opportunity_id = orders.opportunity_id
    left join accounts on accounts.account_id = orders.account_id
    where orders.order_date >= $range_start and orders.order_date < $range_end
),

final as (
    select
        attributed.order_id,
        attributed.opportunity_id,
        attributed.rep_id,
        attributed.order_date,
        attributed.order_status,
        attributed.customer_name,
        attributed.opportunity_name,
        round(coalesce(order_totals.sales_amount, 0), 2)::decimal(18, 2) as sales_amount,
        round(coalesce(order_totals.profit, 0), 2)::decimal(18, 2) as profit,
        coalesce(order_totals.lines_without_profit, 0) as lines_without_profit
    from attributed
    left join order_totals on order_totals.order_id = attributed.order_id
    where attributed.rep_id in (
            select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
        )
        and ($only_rep_id is null or attributed.rep_id = $only_rep_id)
)

select * from final
order by order_date, order_id
