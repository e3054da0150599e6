-- Partner deals counted once each, one row per involvement ('sourced', 'influenced'): deals
-- in scope ($scope_kind, $scope_rep_id, $scope_team_id) with at least one partner of that
-- involvement (sourced also: lead source 'Partner'). Won, lost, bookings and lost amount of
-- those closed in [$start, $end), and deals created in it.
with deals as (
    select opportunity_id, lead_source, is_won, is_lost, amount_rc, created_at, closed_at
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
),

links as (
    select opportunity_id, involvement
    from deal_partners
    where removed_at is null
),

involved as (
    select distinct links.involvement, links.opportunity_id
    from links
    inner join deals on deals.opportunity_id = links.opportunity_id
    union
    select 'sourced', opportunity_id
    from deals
    where lead_source = 'Partner'
),

final as (
    select
        involved.involvement,
        count(*) filter (where deals.created_at >= $start and deals.created_at < $end)
            as deals_created,
        count(*) filter (where deals.is_won and deals.closed_at >= $start and deals.closed_at < $end)
            as won,
        count(*) filter (where deals.is_lost and deals.closed_at >= $start and deals.closed_at < $end)
            as lost,
        coalesce(sum(deals.amount_rc) filter (
            where deals.is_won and deals.closed_at >= $start and deals.closed_at < $end
        ), 0) as bookings,
        coalesce(sum(deals.amount_rc) filter (
            where deals.is_lost and deals.closed_at >= $start and deals.closed_at < $end
        ), 0) as lost_amount
    from involved
    inner join deals on deals.opportunity_id = involved.opportunity_id
    group by involved.involvement
)

select * from final
order by involvement desc
