-- What running the active assignment rules would move: one row per account whose first
-- matching rule (lowest priority, then lowest rule id) puts it in another territory or with
-- another owner. Accounts whose latest move was manual are pinned and left alone.
with rules as (
    select *
    from territory_rules
    qualify row_number() over (partition by rule_id order by version desc) = 1
),

pinned as (
    select account_id
    from account_territory_moves
    inner join territory_reassignments
        on territory_reassignments.reassignment_id = account_territory_moves.reassignment_id
    qualify row_number() over (
        partition by account_id order by territory_reassignments.applied_at desc,
            territory_reassignments.reassignment_id desc
    ) = 1
        and account_territory_moves.rule_id is null
),

matched as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.territory_id as from_territory_id,
        accounts.owner_rep_id as from_owner_rep_id,
        rules.territory_id as to_territory_id,
        coalesce(rules.owner_rep_id, accounts.owner_rep_id) as to_owner_rep_id,
        rules.rule_id
    from accounts
    inner join rules
        on rules.is_active
        and (rules.match_country is null or rules.match_country = accounts.billing_country)
        and (rules.match_state is null or rules.match_state = accounts.billing_state)
        and (rules.match_segment_id is null or rules.match_segment_id = accounts.segment_id)
        and (rules.match_industry is null or rules.match_industry = accounts.industry)
        and (rules.min_employees is null or accounts.employee_count >= rules.min_employees)
        and (rules.max_employees is null or accounts.employee_count <= rules.max_employees)
    where accounts.account_id not in (select account_id from pinned)
    qualify row_number() over (
        partition by accounts.account_id order by rules.priority, rules.rule_id
    ) = 1
)

select
    matched.account_id,
    matched.account_name,
    matched.from_territory_id,
    from_territory.territory_name as from_territory,
    matched.to_territory_id,
    to_territory.territory_name as to_territory,
    matched.from_owner_rep_id,
    matched.to_owner_rep_id,
    to_owner.full_name as to_owner,
    matched.rule_id
from matched
left join territories as from_territory on from_territory.territory_id = matched.from_territory_id
left join territories as to_territory on to_territory.territory_id = matched.to_territory_id
left join reps as to_owner on to_owner.rep_id = matched.to_owner_rep_id
where matched.to_territory_id is distinct from matched.from_territory_id
    or matched.to_owner_rep_id is distinct from matched.from_owner_rep_id
order by matched.account_id
