-- The forecast as it stood just before $at for deals expected to close in
-- [$due_start, $due_end), one row: open deals then, their amount, weighted amount and the
-- commit and best-case amounts. Read from deal_quarter_states when $held ($at is a quarter
-- start it holds, 019), else rebuilt from deal_spans (only open states cover an instant);
-- the branch not taken reads nothing. Scope and filters as analytics_deals.
with states as (
    select amount_rc, probability, forecast_category, expected_close_date
    from analytics_quarter_states($rep_ids, $territory_id, $product_id)
    where $held and quarter_start = $at
    union all
    select amount_rc, probability, forecast_category, expected_close_date
    from analytics_spans($rep_ids, $territory_id, $product_id)
    where not $held and valid_from < $at and valid_to >= $at
)

select
    count(*) as open_deals,
    coalesce(sum(amount_rc), 0) as open_amount,
    coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'commit'), 0) as commit_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'best_case'), 0) as best_case_amount
from states
where expected_close_date >= $due_start and expected_close_date < $due_end
