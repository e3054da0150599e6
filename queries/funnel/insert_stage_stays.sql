-- Rebuilds deal_stage_stays from deal_spans for every deal ($full_rebuild) or the deals in
-- history_refresh_deals: one row per stay in an open stage (consecutive spans in one stage),
-- with the stage that came next, and the deal's current scope fields and outcome. Rows are
-- written in left_at order, so "stays that ended in a period" read few row groups.
insert into deal_stage_stays
with spans as (
    select opportunity_id, stage_id, stage_entered_at, valid_to
    from deal_spans
    where $full_rebuild
        or opportunity_id in (select opportunity_id from history_refresh_deals)
),

stays as (
    select
        opportunity_id,
        stage_id,
        stage_entered_at as entered_at,
        max(valid_to) as left_at
    from spans
    group by opportunity_id, stage_id, stage_entered_at
),

sequenced as (
    select
        stays.*,
        lead(stage_id) over (partition by opportunity_id order by entered_at) as next_stage_id
    from stays
),

final as (
    select
        sequenced.opportunity_id,
        sequenced.stage_id,
        sequenced.entered_at,
        sequenced.left_at,
        sequenced.next_stage_id,
        opportunities.owner_rep_id,
        opportunities.territory_id,
        opportunities.product_id,
        opportunities.created_at,
        opportunities.closed_at,
        coalesce(deal_stage.is_won, false) as is_won
    from sequenced
    inner join stages as stay_stage on stay_stage.stage_id = sequenced.stage_id
    inner join opportunities on opportunities.opportunity_id = sequenced.opportunity_id
    left join stages as deal_stage on deal_stage.stage_id = opportunities.stage_id
    where not stay_stage.is_won and not stay_stage.is_lost
)

select
    opportunity_id,
    stage_id,
    entered_at,
    left_at,
    next_stage_id,
    owner_rep_id,
    territory_id,
    product_id,
    created_at,
    closed_at,
    is_won
from final
order by left_at
