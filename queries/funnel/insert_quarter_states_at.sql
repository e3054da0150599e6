-- Adds to deal_quarter_states the states at $at, a quarter start the history has newly
-- reached, of every deal not in history_refresh_deals (insert_quarter_states wrote those).
insert into deal_quarter_states
select
    $at::timestamp as quarter_start,
    opportunity_id,
    stage_id,
    amount_rc,
    probability,
    expected_close_date,
    forecast_category,
    owner_rep_id,
    territory_id,
    product_id
from deal_spans
where valid_from < $at and valid_to >= $at
    and opportunity_id not in (select opportunity_id from history_refresh_deals)
order by opportunity_id
