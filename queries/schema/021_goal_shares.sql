-- 021_goal_shares: one rule for "the goal of a scope over a period", month by month, for the
-- Overview (overview/goal_by_month), quotas (compensation/list_rep_goals) and report plans
-- (reports/sum_goal, summarise_plan_vs_actual). Each had its own copy; the last three ranked
-- goal kinds (month, quarter, year) among all goals overlapping the period, so a monthly goal
-- for February inside a quarter hid the quarterly goal for January and March too.
-- goal_shares splits the period at month boundaries and lets the finest kind win in each.

-- Every goal of goal_scope_kind and goal_metric overlapping [from_day, to_day): its share of
-- each month piece of the period (the part of a calendar month inside it), by days, where it
-- is of the finest kind covering that piece. One row per goal and piece.
create macro goal_shares(goal_scope_kind, goal_metric, from_day, to_day) as table
    with pieces as (
        select
            greatest(month_start, from_day::date) as piece_start,
            least((month_start + interval 1 month)::date, to_day::date) as piece_end
        from (
            select unnest(generate_series(
                date_trunc('month', from_day::date),
                to_day::date - interval 1 day,
                interval 1 month
            ))::date as month_start
        )
    ),

    shares as (
        select
            goals.goal_id,
            goals.scope_id,
            pieces.piece_start,
            goals.target
            * date_diff(
                'day',
                greatest(pieces.piece_start, goals.period_start),
                least(pieces.piece_end, goals.period_end)
            )
            / date_diff('day', goals.period_start, goals.period_end) as share,
            dense_rank() over (
                partition by goals.scope_id, pieces.piece_start
                order by case goals.period_kind when 'month' then 1 when 'quarter' then 2 else 3 end
            ) as kind_rank
        from pieces
        inner join goals
            on goals.period_start < pieces.piece_end
            and goals.period_end > pieces.piece_start
        where goals.scope_kind = goal_scope_kind and goals.metric = goal_metric
    )

    select goal_id, scope_id, piece_start, share
    from shares
    where kind_rank = 1;
