-- The forecast as it stood just before $at for deals expected to close in
-- [$due_start, $due_end) (rebuilt from deal_spans), one row: open deals then, their amount,
-- weighted amount and the commit and best-case amounts. Scope and filters as analytics_deals.
select
    count(*) as open_deals,
    coalesce(sum(amount_rc), 0) as open_amount,
    coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'commit'), 0) as commit_amount,
    coalesce(sum(amount_rc) filter (where forecast_category = 'best_case'), 0) as best_case_amount
from analytics_spans(
    $rep_ids, $territory_id, $product_id
)
where valid_from < $at and valid_to >= $at
    and expected_close_date >= $due_start and expected_close_date < $due_end
