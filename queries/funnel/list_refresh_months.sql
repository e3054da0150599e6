-- The closing months in history_refresh_cells, each with its reps: the win_cycle_days cells
-- an incremental refresh recounts, one month at a time.
select closed_month, list(distinct owner_rep_id order by owner_rep_id) as rep_ids
from history_refresh_cells
group by closed_month
order by closed_month
