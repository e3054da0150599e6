-- The forecast for [$start, $end) per rep, per team and in total (unit_level 'rep' | 'team' |
-- 'total'), for the deals the viewer may see (the reps in
-- $rep_ids, null = every rep; filters $territory_id, $product_id): bookings and won deals closed
-- in the period; open deals expected to close in it by forecast category (pipeline, best
-- case, commit), their amount and weighted amount (amount x probability); and the unit's
-- bookings goal for the period (rep and team goals; none for the total here).
with deals as (
    -- won in the period (counted: its whole months from closing_days); then open and due in it:
    -- counted per due month (open_counts) for a period of whole months without a territory or
    -- product filter, else the open deals of deal_facts (the last row groups)
    select
        counts.owner_rep_id,
        counts.deals,
        counts.amount::decimal(18, 2) as amount,  -- a month's sum: the deals' own width
        null::double as weighted_amount,
        null::varchar as forecast_category,
        true as is_won
    from closed_deal_counts(
        $rep_ids, $territory_id, $product_id, $start, $end, true
    ) as counts
    inner join stages on stages.stage_id = counts.stage_id
    where stages.is_won
    union all
    select
        owner_rep_id,
        deals,
        amount::decimal(18, 2),
        weighted_amount,
        forecast_category,
        false
    from open_counts
    where $territory_id is null and $product_id is null
        and day($start::date) = 1 and day($end::date) = 1
        and ($rep_ids is null or owner_rep_id = any($rep_ids))
        and due_month >= $start::date and due_month < $end::date
    union all
    select
        facts.owner_rep_id,
        1,
        facts.amount_rc,
        facts.amount_rc * facts.probability / 100,
        facts.forecast_category,
        false
    from analytics_facts(
        $rep_ids, $territory_id, $product_id
    ) as facts
    inner join stages on stages.stage_id = facts.stage_id
    where not ($territory_id is null and $product_id is null
            and day($start::date) = 1 and day($end::date) = 1)
        and not stages.is_won and not stages.is_lost
        and facts.expected_close_date >= cast($start as date)
        and facts.expected_close_date < cast($end as date)
),

per_rep as (
    select
        owner_rep_id,
        coalesce(sum(deals) filter (where is_won), 0) as won,
        coalesce(sum(amount) filter (where is_won), 0) as bookings,
        coalesce(sum(deals) filter (where not is_won), 0) as open_deals,
        coalesce(sum(amount) filter (where not is_won and forecast_category = 'commit'), 0)
            as commit_amount,
        coalesce(sum(amount) filter (where not is_won and forecast_category = 'best_case'), 0)
            as best_case_amount,
        coalesce(sum(amount) filter (where not is_won and forecast_category = 'pipeline'), 0)
            as pipeline_amount,
        coalesce(sum(amount) filter (where not is_won), 0) as open_amount,
        coalesce(sum(weighted_amount) filter (where not is_won), 0) as weighted_amount
    from deals
    group by owner_rep_id
),

units as (
    select
        case
            when grouping(reps.rep_id) = 0 then 'rep'
            when grouping(teams.team_id) = 0 then 'team'
            else 'total'
        end as unit_level,
        coalesce(reps.rep_id, teams.team_id) as unit_id,
        case
            when grouping(reps.rep_id) = 0 then any_value(reps.full_name)
            when grouping(teams.team_id) = 0 then any_value(teams.team_name)
            else 'Total'
        end as unit_name,
        case when grouping(teams.team_id) = 0 then any_value(teams.team_name) end as team_name,
        coalesce(sum(per_rep.won), 0)::bigint as won,
        coalesce(sum(per_rep.bookings), 0) as bookings,
        coalesce(sum(per_rep.open_deals), 0)::bigint as open_deals,
        coalesce(sum(per_rep.commit_amount), 0) as commit_amount,
        coalesce(sum(per_rep.best_case_amount), 0) as best_case_amount,
        coalesce(sum(per_rep.pipeline_amount), 0) as pipeline_amount,
        coalesce(sum(per_rep.open_amount), 0) as open_amount,
        coalesce(sum(per_rep.weighted_amount), 0)::decimal(18, 2) as weighted_amount
    from per_rep
    inner join reps on reps.rep_id = per_rep.owner_rep_id
    inner join teams on teams.team_id = reps.team_id
    group by grouping sets ((teams.team_id, reps.rep_id), (teams.team_id), ())
),

unit_goals as (
    -- each goal by its days inside the period, the finest period kind winning month by month
    -- (goal_shares), as the total's goal and the quotas count it
    select 'rep' as scope_kind, scope_id, sum(share) as goal
    from goal_shares('rep', 'bookings', $start, $end)
    group by scope_id
    union all
    select 'team' as scope_kind, scope_id, sum(share) as goal
    from goal_shares('team', 'bookings', $start, $end)
    group by scope_id
)

select
    units.*,
    unit_goals.goal
from units
left join unit_goals
    on unit_goals.scope_kind = units.unit_level and unit_goals.scope_id = units.unit_id
order by
    case units.unit_level when 'total' then 0 when 'team' then 1 else 2 end,
    units.team_name,
    units.unit_name
