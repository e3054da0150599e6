-- Partner links of deals the scope sees ($scope_kind, $scope_rep_id, $scope_team_id), one
-- row per link, newest first (removed links included, with when and why): deal, partner,
-- involvement, deal stage and amount, who linked it when.
select
    deal_partners.link_id,
    deals.opportunity_id,
    deals.opportunity_name,
    partners.partner_name,
    deal_partners.involvement,
    deals.stage_name,
    deals.amount_rc as amount,
    deal_partners.note,
    creators.display_name as linked_by,
    deal_partners.created_at as linked_at,
    deal_partners.removed_at,
    deal_partners.removal_reason
from deal_partners
inner join partners on partners.partner_id = deal_partners.partner_id
inner join scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, null, null, null, null) as deals
    on deals.opportunity_id = deal_partners.opportunity_id
left join users as creators on creators.user_id = deal_partners.created_by
order by deal_partners.link_id desc
