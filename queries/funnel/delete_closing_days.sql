-- Removes the closing_days counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells.
delete from closing_days
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'closing_days'
            and cells.month = closing_days.closed_month
            and cells.owner_rep_id = closing_days.owner_rep_id
    )
