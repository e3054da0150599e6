-- Removes every history row batch $batch_id wrote (undo).
delete from opportunity_events where batch_id = $batch_id
