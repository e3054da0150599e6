-- summarise_snapshot for a quarter start $at that deal_quarter_states holds: the forecast as it
-- stood just before $at for deals expected to close in [$due_start, $due_end), one row: open
-- deals then (only open states cover an instant), their amount, weighted amount and the
-- commit and best-case amounts. Scope and filters as analytics_deals.
select
    count(*) as open_deals,
    coalesce(sum(amount_rc), 0) as open_amount,
    coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'commit'), 0) as commit_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'best_case'), 0) as best_case_amount
from analytics_quarter_states($rep_ids, $territory_id, $product_id)
where quarter_start = $at
    and expected_close_date >= $due_start and expected_close_date < $due_end
