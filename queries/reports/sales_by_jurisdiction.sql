-- Sales and returns by jurisdiction for orders the scope sees ($scope_kind, $scope_rep_id,
-- $scope_team_id): one row per country ($jurisdiction_level 'country'), per country and
-- state ('state'), or per country, state and month ('state_month'). Sales: order lines of
-- orders dated in [$start, $end), not cancelled, at the order's address. Returns: returns
-- dated in [$start, $end), at the address of the order returned. Missing places read
-- '(unknown)'; month_start is null unless by month.
with scoped as (
    select
        order_id,
        order_date,
        order_status,
        coalesce(nullif(trim(country), ''), '(unknown)') as country,
        case when $jurisdiction_level = 'country' then null
            else coalesce(nullif(trim(state), ''), '(unknown)') end as state
    from scoped_orders($scope_kind, $scope_rep_id, $scope_team_id)
),

sales as (
    select
        scoped.country,
        scoped.state,
        case when $jurisdiction_level = 'state_month'
            then date_trunc('month', scoped.order_date)::date end as month_start,
        count(distinct scoped.order_id) as orders,
        sum(order_lines.quantity) as quantity,
        sum(order_lines.sales_amount) as gross_sales
    from scoped
    inner join order_lines on order_lines.order_id = scoped.order_id
    where scoped.order_status <> 'cancelled'
        and scoped.order_date >= cast($start as date)
        and scoped.order_date < cast($end as date)
    group by all
),

returned as (
    select
        scoped.country,
        scoped.state,
        case when $jurisdiction_level = 'state_month'
            then date_trunc('month', returns.returned_date)::date end as month_start,
        count(*) as returns,
        sum(returns.return_amount) as return_amount
    from returns
    inner join scoped on scoped.order_id = returns.order_id
    where returns.returned_date >= cast($start as date)
        and returns.returned_date < cast($end as date)
    group by all
),

final as (
    select
        coalesce(sales.country, returned.country) as country,
        coalesce(sales.state, returned.state) as state,
        coalesce(sales.month_start, returned.month_start) as month_start,
        coalesce(sales.orders, 0) as orders,
        coalesce(sales.quantity, 0) as quantity,
        coalesce(sales.gross_sales, 0) as gross_sales,
        coalesce(returned.returns, 0) as returns,
        coalesce(returned.return_amount, 0) as return_amount,
        coalesce(sales.gross_sales, 0) - coalesce(returned.return_amount, 0) as net_sales
    from sales
    full outer join returned
        on returned.country = sales.country
        and returned.state is not distinct from sales.state
        and returned.month_start is not distinct from sales.month_start
)

select * from final
order by country, state nulls first, month_start nulls first
