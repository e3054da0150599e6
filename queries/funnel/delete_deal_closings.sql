-- Removes the deal_closings rows of every deal ($full_rebuild) or of the deals in
-- history_refresh_deals.
delete from deal_closings
where $full_rebuild
    or opportunity_id in (select opportunity_id from history_refresh_deals)
