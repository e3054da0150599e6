-- Every exchange rate, one row per currency and date, oldest first (to check that imported
-- amounts in other currencies can be converted).
select currency_code, rate_date, rate_to_reporting
from fx_rates
order by currency_code, rate_date
