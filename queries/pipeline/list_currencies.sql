-- Currencies a deal can be in: the reporting currency $reporting_currency and every currency
-- with an exchange rate, one row each, the reporting currency first.
select currency_code
from (
    select $reporting_currency as currency_code
    union
    select distinct currency_code from fx_rates
) as currencies
order by currency_code <> $reporting_currency, currency_code
