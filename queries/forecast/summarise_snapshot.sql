-- The forecast as it stood just before $at for deals expected to close in
-- [$due_start, $due_end), one row: open deals then, their amount, weighted amount and the
-- commit and best-case amounts. When $held ($at is a quarter start deal_quarter_states holds,
-- 019), from its counts (quarter_state_counts, 026) for a due range of whole months with no
-- territory or product filter, else from its rows; when not, rebuilt from deal_spans (only
-- open states cover an instant). The branches not taken read nothing. Scope and filters as
-- analytics_deals.
with states as (
    select deals, amount, weighted_amount, forecast_category
    from quarter_state_counts
    where $held and $territory_id is null and $product_id is null
        and day($due_start::date) = 1 and day($due_end::date) = 1
        and quarter_start = $at
        and ($rep_ids is null or owner_rep_id = any($rep_ids))
        and due_month >= $due_start and due_month < $due_end
    union all
    select 1, amount_rc, amount_rc * probability / 100, forecast_category
    from analytics_quarter_states($rep_ids, $territory_id, $product_id)
    where $held
        and not (
            $territory_id is null and $product_id is null
            and day($due_start::date) = 1 and day($due_end::date) = 1
        )
        and quarter_start = $at
        and expected_close_date >= $due_start and expected_close_date < $due_end
    union all
    select 1, amount_rc, amount_rc * probability / 100, forecast_category
    from analytics_spans($rep_ids, $territory_id, $product_id)
    where not $held and valid_from < $at and valid_to >= $at
        and expected_close_date >= $due_start and expected_close_date < $due_end
)

select
    coalesce(sum(deals), 0)::bigint as open_deals,
    coalesce(sum(amount), 0) as open_amount,
    coalesce(sum(weighted_amount), 0)::decimal(18, 2) as weighted_amount,
    coalesce(sum(amount) filter (where forecast_category = 'commit'), 0) as commit_amount,
    coalesce(sum(amount) filter (where forecast_category = 'best_case'), 0) as best_case_amount
from states
