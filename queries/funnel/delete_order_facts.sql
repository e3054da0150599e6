-- Removes the order_facts rows of every order ($full_rebuild) or of the orders of the deals in
-- history_refresh_deals.
delete from order_facts
where $full_rebuild
    or opportunity_id in (select opportunity_id from history_refresh_deals)
