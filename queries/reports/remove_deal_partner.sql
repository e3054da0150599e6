-- Stamps link $link_id as removed by $removed_by because of $removal_reason (the row stays);
-- returns the link_id, or nothing when it was removed already.
update deal_partners
set removed_by = $removed_by, removed_at = current_timestamp, removal_reason = $removal_reason
where link_id = $link_id and removed_at is null
returning link_id
