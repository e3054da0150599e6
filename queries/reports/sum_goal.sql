-- One row: the bookings plan of one scope ($goal_scope_kind 'company' or 'team';
-- $goal_scope_id null for the company) for [$start, $end): each goal overlapping the period
-- counts for its share of days inside it, the finest goal period kind winning in each month
-- where several cover it (goal_shares); plan is null when no goal overlaps, goals is how many
-- goals count.
select
    round(sum(share), 2)::decimal(18, 2) as plan,
    count(distinct goal_id) as goals
from goal_shares($goal_scope_kind, 'bookings', $start, $end)
where scope_id is not distinct from $goal_scope_id
