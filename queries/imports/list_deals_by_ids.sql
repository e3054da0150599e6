-- The current state of the deals listed in the registered relation import_deal_ids_stage
-- (opportunity_id), one row per deal, every column.
select opportunities.*
from opportunities
inner join import_deal_ids_stage as ids on ids.opportunity_id = opportunities.opportunity_id
