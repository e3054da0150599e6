-- Marks follow-up task $activity_id done at $done_at by user $done_by, only while it is still
-- open; returns its activity_id (no row when it was done already or is not a follow-up).
update activities
set
    is_done = true,
    done_at = $done_at,
    done_by = $done_by
where activity_id = $activity_id
    and activity_type = 'follow_up'
    and not is_done
returning activity_id
