-- Demo orders: one order per won deal, shipped 2-20 days after the win; about one in
-- seven delivered late. Order location from the account's territory.
insert into orders by name
select
    deals.opportunity_id as order_id,
    deals.opportunity_id,
    deals.account_id,
    deals.closed_at::date as order_date,
    deals.closed_at::date + 2 + floor(demo_uniform(deals.deal_index, 60, $seed) * 18)::integer as ship_date,
    case
        when deals.closed_at::date + 30 < cast($as_of as date) then 'invoiced' else 'booked'
    end as order_status,
    case
        when deals.closed_at::date + 20 > cast($as_of as date) then 'pending'
        when demo_uniform(deals.deal_index, 61, $seed) < 0.14 then 'late'
        else 'on_time'
    end as delivery_status,
    'USD' as currency_code,
    accounts.account_name as customer_name,
    segments.segment_name,
    territories.country_code as country,
    replace(territories.subdivision_code, 'US-', '') as state,
    'demo' as source_system,
    'DEMO-SO-' || deals.opportunity_id as external_id
from demo_deals as deals
inner join accounts on accounts.account_id = deals.account_id
inner join segments on segments.segment_id = accounts.segment_id
inner join territories on territories.territory_id = accounts.territory_id
where deals.is_won and deals.is_closed
