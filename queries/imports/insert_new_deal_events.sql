-- The 'created' history row of each staged new deal with ids in the registered relation
-- import_new_deal_ids_stage, by $actor_user_id, origin import, batch $batch_id.
insert into opportunity_events (
    event_id, opportunity_id, occurred_at, actor_user_id, origin, batch_id, event_type,
    field_name, old_value, new_value, stage_id, amount_rc, probability, expected_close_date,
    owner_rep_id, forecast_category, row_version
)
select
    ids.event_id, ids.opportunity_id, deals.created_at, $actor_user_id, 'import', $batch_id,
    'created', null, null, deals.stage_name, deals.stage_id, deals.amount_rc, deals.probability,
    deals.expected_close_date, deals.owner_rep_id, deals.forecast_category, 1
from import_new_deals as deals
inner join import_new_deal_ids_stage as ids on ids.seq = deals.seq
order by ids.event_id
