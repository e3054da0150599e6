-- A temporary table history_refresh_cells, empty: the (month, rep) cells of the monthly
-- counts (win_cycle_days, stay_days, closing_days, cohort_counts, open_counts,
-- potential_months; and the quarter starts of quarter_state_counts) an incremental refresh
-- recounts. add_refresh_cells fills it with the cells the refreshed
-- deals' rows count in, before they are rebuilt and after.
create or replace temp table history_refresh_cells (
    counts varchar not null,        -- the table it is a cell of
    month date,                     -- null: open_counts' deals with no expected close date
    owner_rep_id integer            -- null: every rep's (recounted whole)
)
