-- Order figures, one row per group_key ($group_by: region, state, country, city, segment,
-- category, ship_mode, year, month; anything else gives one row 'All'): orders, lines,
-- quantity, sales, profit, and the amount returned. Only orders the viewer may see
-- ($scope_kind, $scope_rep_id, $scope_team_id: an order belongs to its deal's owner, else its
-- account's owner; scope 'all' sees every order), optionally only those batch $batch_id
-- loaded (null = all) and ordered in [$start, $end) (null = unbounded).
with visible_orders as (
    select orders.*
    from orders
    left join opportunities on opportunities.opportunity_id = orders.opportunity_id
    left join accounts on accounts.account_id = orders.account_id
    where ($scope_kind = 'all'
            or coalesce(opportunities.owner_rep_id, accounts.owner_rep_id) in (
                select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
            ))
        and ($batch_id is null or orders.order_id in (
            select entity_id from import_changes
            where batch_id = $batch_id and entity = 'order' and action = 'created'
        ))
        and ($start is null or orders.order_date >= $start)
        and ($end is null or orders.order_date < $end)
),

keyed as (
    select
        order_id,
        order_date,
        case $group_by
            when 'region' then region
            when 'state' then state
            when 'country' then country
            when 'city' then city
            when 'segment' then segment_name
            when 'ship_mode' then ship_mode
            when 'year' then cast(year(order_date) as varchar)
            when 'month' then strftime(order_date, '%Y-%m')
            else 'All'
        end as order_key
    from visible_orders
),

lines as (
    select
        case when $group_by = 'category' then order_lines.category else keyed.order_key end
            as group_key,
        keyed.order_id,
        order_lines.quantity,
        order_lines.sales_amount,
        order_lines.profit
    from keyed
    inner join order_lines on order_lines.order_id = keyed.order_id
),

line_totals as (
    select
        group_key,
        count(distinct order_id) as orders,
        count(*) as lines,
        sum(quantity) as quantity,
        sum(sales_amount) as sales,
        sum(profit) as profit
    from lines
    group by group_key
),

returned as (
    select
        case
            when $group_by = 'category' then coalesce(order_lines.category, '(whole order)')
            else keyed.order_key
        end as group_key,
        sum(returns.return_amount) as returned
    from returns
    inner join keyed on keyed.order_id = returns.order_id
    left join order_lines on order_lines.order_line_id = returns.order_line_id
    group by 1
),

final as (
    select
        coalesce(line_totals.group_key, returned.group_key) as group_key,
        coalesce(line_totals.orders, 0) as orders,
        coalesce(line_totals.lines, 0) as lines,
        coalesce(line_totals.quantity, 0) as quantity,
        coalesce(line_totals.sales, 0) as sales,
        coalesce(line_totals.profit, 0) as profit,
        coalesce(returned.returned, 0) as returned
    from line_totals
    full outer join returned on returned.group_key is not distinct from line_totals.group_key
)

select * from final
order by sales desc, group_key
