-- Removes the cohort_counts of every cell ($full_rebuild) or of its cells in
-- history_refresh_cells.
delete from cohort_counts
where $full_rebuild
    or exists (
        select 1
        from history_refresh_cells as cells
        where cells.counts = 'cohort_counts'
            and cells.month = cohort_counts.created_month
            and cells.owner_rep_id = cohort_counts.owner_rep_id
    )
