-- Partner deals, one row per partner and involvement ('sourced' or 'influenced'), for deals
-- in scope ($scope_kind, $scope_rep_id, $scope_team_id) linked to the partner (links not
-- removed). Deals whose lead source is 'Partner' without a sourcing partner on record count
-- as sourced by '(partner not recorded)' (partner_id null). Figures: deals created in
-- [$start, $end); won, lost, bookings and lost amount of deals closed in it; open deals and
-- pipeline as they stood just before $before (rebuilt from opportunity_events).
with deals as (
    select opportunity_id, lead_source, is_won, is_lost, amount_rc, created_at, closed_at
    from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null)
),

links as (
    select deal_partners.opportunity_id, deal_partners.partner_id, partners.partner_name, deal_partners.involvement
    from deal_partners
    inner join partners on partners.partner_id = deal_partners.partner_id
    where deal_partners.removed_at is null
),

attributed as (
    select links.partner_id, links.partner_name, links.involvement, deals.opportunity_id
    from links
    inner join deals on deals.opportunity_id = links.opportunity_id
    union all
    select null, '(partner not recorded)', 'sourced', deals.opportunity_id
    from deals
    where deals.lead_source = 'Partner'
        and deals.opportunity_id not in (
            select opportunity_id from links where involvement = 'sourced'
        )
),

states as (
    select
        opportunity_id,
        arg_max(stage_id, (occurred_at, event_id)) as stage_id,
        arg_max(amount_rc, (occurred_at, event_id)) as amount_rc
    from opportunity_events
    where occurred_at < $before
        and opportunity_id in (select opportunity_id from attributed)
    group by opportunity_id
),

open_then as (
    select states.opportunity_id, states.amount_rc
    from states
    inner join stages on stages.stage_id = states.stage_id
    where not stages.is_won and not stages.is_lost
),

flagged as (
    select
        attributed.partner_id,
        attributed.partner_name,
        attributed.involvement,
        deals.amount_rc,
        deals.is_won,
        deals.is_lost,
        deals.created_at >= $start and deals.created_at < $end as is_created_in_period,
        deals.closed_at is not null and deals.closed_at >= $start and deals.closed_at < $end
            as is_closed_in_period,
        open_then.opportunity_id is not null as is_open_then,
        open_then.amount_rc as open_amount
    from attributed
    inner join deals on deals.opportunity_id = attributed.opportunity_id
    left join open_then on open_then.opportunity_id = attributed.opportunity_id
),

final as (
    select
        partner_id,
        partner_name,
        involvement,
        count(*) filter (where is_created_in_period) as deals_created,
        count(*) filter (where is_closed_in_period and is_won) as won,
        count(*) filter (where is_closed_in_period and is_lost) as lost,
        coalesce(sum(amount_rc) filter (where is_closed_in_period and is_won), 0) as bookings,
        coalesce(sum(amount_rc) filter (where is_closed_in_period and is_lost), 0) as lost_amount,
        count(*) filter (where is_open_then) as open_deals,
        coalesce(sum(open_amount) filter (where is_open_then), 0) as open_pipeline
    from flagged
    group by all
)

select * from final
order by involvement desc, bookings desc, partner_name
