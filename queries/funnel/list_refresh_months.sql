-- The months in history_refresh_cells per monthly count table, each with its reps: the cells
-- an incremental refresh recounts, one table and month at a time.
select counts, month, list(distinct owner_rep_id order by owner_rep_id) as rep_ids
from history_refresh_cells
group by counts, month
order by counts, month
