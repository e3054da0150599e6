-- Removes the deal_quarter_states rows of every deal ($full_rebuild) or of the deals in
-- history_refresh_deals.
delete from deal_quarter_states
where $full_rebuild
    or opportunity_id in (select opportunity_id from history_refresh_deals)
