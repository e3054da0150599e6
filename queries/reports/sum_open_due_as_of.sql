-- One row: the pipeline as it stood just before $before (each deal's last event before it)
-- of deals in scope ($scope_kind, $scope_rep_id, $scope_team_id) that were open then and
-- expected to close in [$due_start, $due_end): deals, amount, amount weighted by
-- probability, and the amount in the commit forecast category.
with deals as (
    select opportunity_id
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
    where created_at < $before
),

states as (
    select
        opportunity_id,
        arg_max(stage_id, (occurred_at, event_id)) as stage_id,
        arg_max(amount_rc, (occurred_at, event_id)) as amount_rc,
        arg_max(probability, (occurred_at, event_id)) as probability,
        arg_max(expected_close_date, (occurred_at, event_id)) as expected_close_date,
        arg_max(forecast_category, (occurred_at, event_id)) as forecast_category
    from opportunity_events
    where occurred_at < $before
    group by opportunity_id
),

open_due as (
    select states.amount_rc, states.probability, states.forecast_category
    from deals
    inner join states on states.opportunity_id = deals.opportunity_id
    inner join stages on stages.stage_id = states.stage_id
    where not stages.is_won
        and not stages.is_lost
        and states.expected_close_date >= cast($due_start as date)
        and states.expected_close_date < cast($due_end as date)
),

final as (
    select
        count(*) as deals,
        coalesce(sum(amount_rc), 0) as amount,
        coalesce(sum(amount_rc * probability / 100), 0)::decimal(18, 2) as weighted_amount,
        coalesce(sum(amount_rc) filter (where forecast_category = 'commit'), 0) as commit_amount
    from open_due
)

select * from final
