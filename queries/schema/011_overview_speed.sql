-- 011_overview_speed: narrower scope macros for the Overview's queries (dashboard.metrics).
-- They select exactly the deals scoped_deals selects, but leave out the joins a query does not
-- need: a query scans only the columns it reads, filters first, and looks names up afterwards
-- for the (few) rows or groups left. scoped_deals itself is unchanged.

-- The reps whose deals a viewer may see under a team filter (null = no filter), with their
-- team and names. Like scoped_deals, a rep whose team does not exist counts nowhere.
create macro overview_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as table
    select
        reps.rep_id,
        reps.full_name as owner_name,
        reps.team_id as owner_team_id,
        teams.team_name
    from reps
    inner join teams on teams.team_id = reps.team_id
    where reps.rep_id in (select rep_id from visible_reps(scope_kind, scope_rep_id, scope_team_id))
        and (filter_team_id is null or reps.rep_id in (
            select rep_id from visible_reps('team', null, filter_team_id)
        ));

-- The deals of scoped_deals (same scope and filters, each null = no filter): the deal's own
-- columns, its owner's name and team (owner_name, owner_team_id, team_name) and its stage's
-- is_won / is_lost. A deal whose stage does not exist counts nowhere, as in scoped_deals.
create macro overview_deals(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id
) as table
    select
        opportunities.*,
        visible.owner_name,
        visible.owner_team_id,
        visible.team_name,
        stages.is_won,
        stages.is_lost
    from opportunities
    inner join overview_reps(scope_kind, scope_rep_id, scope_team_id, filter_team_id) as visible
        on visible.rep_id = opportunities.owner_rep_id
    inner join stages on stages.stage_id = opportunities.stage_id
    where (filter_territory_id is null or opportunities.territory_id in (
            select territory_id from territory_subtree(filter_territory_id)
        ))
        and (filter_product_id is null or opportunities.product_id = filter_product_id);
