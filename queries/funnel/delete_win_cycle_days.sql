-- Removes the win_cycle_days counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells.
delete from win_cycle_days
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'win_cycle_days'
            and cells.month = win_cycle_days.closed_month
            and cells.owner_rep_id = win_cycle_days.owner_rep_id
    )
