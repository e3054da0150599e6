-- Removes the deal_win_cycles rows of every deal ($full_rebuild) or of the deals in
-- history_refresh_deals.
delete from deal_win_cycles
where $full_rebuild
    or opportunity_id in (select opportunity_id from history_refresh_deals)
