-- 022_stay_days: time in stage in whole days, the completed stays counted per month. The
-- Funnel's time-in-stage box took five exact percentiles of fractional days over every stay
-- that ended in the period - 2.7M stays a quarter at 10M deals, the tab's costliest call. Like
-- the sales cycle and the historical forecast's medians (017), the days are now whole days
-- (the floor of the time from entering the stage to leaving it, or to now for a deal still
-- there), so counts per stage and day decide every percentile and the mean exactly.
-- stay_days holds those counts per month the stay ended in, rep, stage and whole days: a
-- viewer's scope is a set of reps, so summarise_time_in_stage reads the period's whole months
-- from here and only partial months (and everything under a territory or product filter, not
-- kept here) from deal_stage_stays. Stays still open are not in it (their days grow).
--
-- Derived like win_cycle_days (020): dashboard.funnel.refresh_history recounts the (month,
-- rep) cells the refreshed deals' stays were in, before and after (history_refresh_cells now
-- says which table a cell is of), and everything on a full rebuild. Filled here as
-- funnel/count_stay_days fills it: a migration keeps its own copy of the statement, since
-- the query file follows the schema of later migrations.

create table stay_days (
    left_month date not null,               -- the month the stay ended in
    owner_rep_id integer not null,
    stage_id integer not null,
    whole_days integer not null,
    stays bigint not null
);

insert into stay_days
select
    date_trunc('month', left_at)::date as left_month,
    owner_rep_id,
    stage_id,
    (epoch_us(left_at) - epoch_us(entered_at)) // 86400000000 as whole_days,
    count(*) as stays
from deal_stage_stays
where left_at < 'infinity'::timestamp
group by all
order by left_month, owner_rep_id, stage_id, whole_days;

-- The whole months [counted_months_from, counted_months_to) of a window [from_at, to_at) that
-- monthly counts answer when `counted` (no filter they do not keep); the rest of the window,
-- [from_at, least(counted_months_from, to_at)) and [greatest(counted_months_to, from_at),
-- to_at), is read row by row. Not counted: from = to = to_at, so the rows cover it all.
-- Scalar, so a window's bounds stay constants a scan can prune row groups by.
create macro counted_months_from(from_at, to_at, counted) as
    case
        when not counted then to_at::timestamp
        when date_trunc('month', from_at::timestamp) = from_at::timestamp then from_at::timestamp
        else date_trunc('month', from_at::timestamp) + interval 1 month
    end;

create macro counted_months_to(from_at, to_at, counted) as
    case
        when not counted then to_at::timestamp
        else greatest(
            date_trunc('month', to_at::timestamp), counted_months_from(from_at, to_at, counted)
        )
    end;
