-- One row (or none): the latest rate of $currency_code to the reporting currency on or
-- before $rate_date.
select rate_to_reporting
from fx_rates
where currency_code = $currency_code and rate_date <= $rate_date
order by rate_date desc
limit 1
