-- Adds to history_refresh_cells the cells the rows of the deals in history_refresh_deals
-- count in: their win cycles per closing month and rep (win_cycle_days), their completed
-- stays per month they ended and rep (stay_days), their closing per month and rep
-- (closing_days), their creation per month and rep (cohort_counts), their open state per due
-- month and rep (open_counts), the months they were won in, every rep's (potential_months: by
-- the account's owner, recounted a month whole), and the quarter starts they had a state at
-- (quarter_state_counts, recounted whole; the states written after add_quarter_state_cells).
-- None on a $full_rebuild, which recounts everything.
insert into history_refresh_cells
select distinct 'win_cycle_days', date_trunc('month', closed_at)::date, owner_rep_id
from deal_win_cycles
where not $full_rebuild
    and opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct 'stay_days', date_trunc('month', left_at)::date, owner_rep_id
from deal_stage_stays
where not $full_rebuild
    and left_at < 'infinity'::timestamp
    and opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct 'closing_days', date_trunc('month', closed_at)::date, owner_rep_id
from deal_facts
where not $full_rebuild
    and closed_at is not null
    and opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct 'cohort_counts', date_trunc('month', created_at)::date, owner_rep_id
from deal_facts
where not $full_rebuild
    and opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct 'potential_months', date_trunc('month', facts.closed_at)::date, null
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where not $full_rebuild
    and stages.is_won
    and facts.opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct 'quarter_state_counts', quarter_start::date, null
from deal_quarter_states
where not $full_rebuild
    and opportunity_id in (select opportunity_id from history_refresh_deals)
union
select distinct
    'open_counts', date_trunc('month', facts.expected_close_date)::date, facts.owner_rep_id
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where not $full_rebuild
    and not stages.is_won and not stages.is_lost
    and facts.opportunity_id in (select opportunity_id from history_refresh_deals)
