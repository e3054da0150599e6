-- How many deals history_refresh_deals holds (one row: deals).
select count(*) as deals from history_refresh_deals
