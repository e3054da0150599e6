-- Counts deal_win_cycles (already rebuilt) per closing month, rep, stage and whole days into
-- win_cycle_days, for every cell ($full_rebuild) or the cells in history_refresh_cells.
insert into win_cycle_days
with cells as (
    select distinct closed_month, owner_rep_id
    from history_refresh_cells
)

select
    date_trunc('month', cycles.closed_at)::date as closed_month,
    cycles.owner_rep_id,
    cycles.stage_id,
    cycles.whole_days,
    count(*) as stays
from deal_win_cycles as cycles
where $full_rebuild
    or exists (
        select 1
        from cells
        where cells.closed_month = date_trunc('month', cycles.closed_at)::date
            and cells.owner_rep_id = cycles.owner_rep_id
    )
group by all
order by closed_month, owner_rep_id, stage_id, whole_days
