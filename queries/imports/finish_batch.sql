-- Records the row counts of batch $batch_id: $rows_total rows, $inserted new, $updated
-- changed, $unchanged already up to date, $rejected not loaded.
update import_batches
set
    rows_total = $rows_total,
    inserted = $inserted,
    updated = $updated,
    unchanged = $unchanged,
    rejected = $rejected
where batch_id = $batch_id
