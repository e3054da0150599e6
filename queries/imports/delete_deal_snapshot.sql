-- Drops the snapshot of deal $opportunity_id taken for batch $batch_id (the batch did not
-- change the deal after all).
delete from import_deal_snapshots
where batch_id = $batch_id and opportunity_id = $opportunity_id
