-- Works out every new deal of a large file at once, as dashboard.deals.create_deal would one by
-- one, into the temporary table import_new_deals: one row per staged deal (seq = its order in
-- the file) with its state (stage defaults applied, closed_at, furthest stage) and the reason
-- it cannot be created (null when it can). Reads the registered relation
-- import_deals_input_stage (the cleaned values of each new deal, amount_rc already converted).
create or replace temp table import_new_deals as
with staged as (
    select * from import_deals_input_stage
),

open_orders as (
    select
        max(sort_order) as last_open_order,
        min(sort_order) as first_open_order
    from stages
    where is_active and not is_won and not is_lost
),

named as (
    select
        staged.*,
        stages.stage_name,
        case when stages.is_active then stages.default_probability end as stage_probability,
        stages.forecast_category as stage_forecast_category,
        stages.is_won as stage_is_won,
        stages.is_lost as stage_is_lost,
        stages.sort_order as stage_order,
        open_orders.last_open_order,
        open_orders.first_open_order,
        reps.full_name as owner_name,
        accounts.account_name,
        products.product_name,
        territories.territory_name
    from staged
    cross join open_orders
    left join stages on stages.stage_id = staged.stage_id
    left join reps on reps.rep_id = staged.owner_rep_id
    left join accounts on accounts.account_id = staged.account_id
    left join products on products.product_id = staged.product_id
    left join territories on territories.territory_id = staged.territory_id
),

stated as (
    select
        named.*,
        case
            when stage_probability is not null then coalesce(given_probability, stage_probability)
            else given_probability
        end as probability,
        case
            when stage_probability is not null then coalesce(given_forecast_category, stage_forecast_category)
            else given_forecast_category
        end as forecast_category
    from named
),

final as (
    select
        seq,
        opportunity_name,
        account_id,
        owner_rep_id,
        product_id,
        territory_id,
        stage_id,
        lead_rating,
        lead_source,
        amount,
        currency_code,
        amount_rc,
        probability::decimal(5, 2) as probability,
        forecast_category,
        expected_close_date,
        created_at,
        case when stage_is_won or stage_is_lost then event_at end as closed_at,
        loss_reason,
        discount_pct,
        next_step,
        is_recurring,
        external_id,
        event_at,
        case
            when stage_is_won then last_open_order
            when stage_is_lost then first_open_order
            else stage_order
        end as furthest_stage_order,
        stage_name,
        case
            when opportunity_name is null then 'a deal needs a name'
            when owner_rep_id is null or owner_name is null
                then 'a deal needs an owner who is a rep in this workspace'
            when account_id is not null and account_name is null
                then 'there is no account with id ' || account_id
            when product_id is not null and product_name is null
                then 'there is no product with id ' || product_id
            when territory_id is not null and territory_name is null
                then 'there is no territory with id ' || territory_id
            when stage_name is null or stage_probability is null
                then 'there is no active stage with id ' || stage_id
            when amount < 0 then 'the amount cannot be negative'
            when discount_pct < 0 or discount_pct > 100
                then 'the discount must be between 0 and 100 percent'
            when probability < 0 or probability > 100
                then 'the probability must be between 0 and 100 percent'
            when lead_rating is not null and lead_rating not in ('cold', 'warm', 'hot')
                then 'lead rating must be one of cold, warm, hot'
            when forecast_category is null
                or forecast_category not in ('pipeline', 'best_case', 'commit', 'closed', 'omitted')
                then 'forecast category must be one of pipeline, best_case, commit, closed, omitted'
            when expected_close_date is not null and expected_close_date < created_at::date
                then 'the expected close date ' || expected_close_date
                    || ' is before the deal was created (' || created_at::date || ')'
            when stage_is_lost and loss_reason is null then 'a lost deal needs a loss reason'
            when amount_rc is null
                then 'there is no exchange rate for ' || currency_code || ' on or before '
                    || created_at::date || '; add one first'
        end as reason
    from stated
)

select * from final
