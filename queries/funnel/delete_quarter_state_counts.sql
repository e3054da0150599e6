-- Removes quarter_state_counts whole ($full_rebuild) or the quarter starts in
-- history_refresh_cells.
delete from quarter_state_counts
where $full_rebuild
    or quarter_start::date in (
        select month from history_refresh_cells where counts = 'quarter_state_counts'
    )
