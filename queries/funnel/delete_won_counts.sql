-- Removes the won_counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells (the closing_days cells: the same deals' closing months and reps).
delete from won_counts
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'closing_days'
            and cells.month = won_counts.closed_month
            and cells.owner_rep_id = won_counts.owner_rep_id
    )
