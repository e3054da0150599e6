-- Removes potential_months whole ($full_rebuild) or the months in history_refresh_cells.
delete from potential_months
where $full_rebuild
    or closed_month in (
        select month from history_refresh_cells where counts = 'potential_months'
    )
