-- 004_pipeline: who completed a follow-up and when, customer feedback on won deals, and the
-- one definition of the deals the Pipeline page lists (scope, filters and text search).

-- A follow-up task is an activity with a due_date that starts not done; completing it keeps
-- the task as it was and records who completed it and when.
alter table activities add column done_at timestamp;
alter table activities add column done_by integer;

-- What a customer said after a won deal: a score from 1 (poor) to 5 (excellent) and a
-- comment. Append-only: a second response is a second row.
create sequence seq_customer_feedback start 1;
create table customer_feedback (
    feedback_id bigint primary key default nextval('seq_customer_feedback'),
    opportunity_id bigint not null,
    account_id integer,
    rep_id integer not null,           -- the deal's owner when the feedback came in
    score integer not null check (score between 1 and 5),
    comment varchar,
    received_at timestamp not null,
    created_by integer
);

-- The deals of scoped_deals (same scope and team/territory/product filters) narrowed by the
-- Pipeline page's own filters, each null (or an empty list) = no filter:
--   filter_owner_rep_id   one owner
--   filter_lead_ratings   list of ratings (cold, warm, hot)
--   filter_lead_sources   list of lead sources
--   close_from, close_to  close date range, both days included; the close date of an open deal
--                         is its expected close date, of a closed deal the day it closed
--   search_text           part of the deal's or the account's name, any case (not a pattern)
--   status_filter         'open', 'won', 'lost', 'closed' (won or lost); anything else = all
-- Adds account_name, close_date and deal_status ('open' | 'won' | 'lost').
create macro pipeline_deals(
    scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
    filter_product_id, filter_owner_rep_id, filter_lead_ratings, filter_lead_sources,
    close_from, close_to, search_text, status_filter
) as table
    with deals as (
        select
            scoped.*,
            accounts.account_name,
            case
                when scoped.is_won or scoped.is_lost then scoped.closed_at::date
                else scoped.expected_close_date
            end as close_date,
            case when scoped.is_won then 'won' when scoped.is_lost then 'lost' else 'open' end
                as deal_status
        from scoped_deals(
            scope_kind, scope_rep_id, scope_team_id, filter_team_id, filter_territory_id,
            filter_product_id, null
        ) as scoped
        left join accounts on accounts.account_id = scoped.account_id
    )

    select *
    from deals
    where (filter_owner_rep_id is null or owner_rep_id = filter_owner_rep_id)
        and (
            filter_lead_ratings is null
            or len(filter_lead_ratings) = 0
            or list_contains(filter_lead_ratings, lead_rating)
        )
        and (
            filter_lead_sources is null
            or len(filter_lead_sources) = 0
            or list_contains(filter_lead_sources, lead_source)
        )
        and (close_from is null or close_date >= close_from)
        and (close_to is null or close_date <= close_to)
        and (
            search_text is null
            or trim(search_text) = ''
            or contains(lower(opportunity_name), lower(trim(search_text)))
            -- matching accounts first: a semi-join is cheaper than lowering every deal's
            -- account name
            or account_id in (
                select account_id
                from accounts
                where contains(lower(account_name), lower(trim(search_text)))
            )
        )
        and case status_filter
            when 'open' then not is_won and not is_lost
            when 'won' then is_won
            when 'lost' then is_lost
            when 'closed' then is_won or is_lost
            else true
        end;
