-- Removes the stay_days counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells.
delete from stay_days
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'stay_days'
            and cells.month = stay_days.left_month
            and cells.owner_rep_id = stay_days.owner_rep_id
    )
