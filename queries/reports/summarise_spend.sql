-- One row: sales and marketing spend entered for months starting in [$start, $end): sales,
-- marketing, total (every entry counts, corrections included) and the number of entries.
select
    coalesce(sum(amount) filter (where category = 'sales'), 0) as sales_spend,
    coalesce(sum(amount) filter (where category = 'marketing'), 0) as marketing_spend,
    coalesce(sum(amount), 0) as total_spend,
    count(*) as entries
from sm_spend
where spend_month >= cast($start as date) and spend_month < cast($end as date)
