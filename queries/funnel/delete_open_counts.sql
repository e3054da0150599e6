-- Removes the open_counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells (a null month: the deals with no expected close date).
delete from open_counts
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'open_counts'
            and cells.month is not distinct from open_counts.due_month
            and cells.owner_rep_id = open_counts.owner_rep_id
    )
