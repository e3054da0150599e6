-- One row: failed sign-ins for $email since $since that came after its last success.
with last_success as (
    select max(attempted_at) as succeeded_at
    from signin_attempts
    where email = $email and is_success
)

select
    count(*) as failures,
    max(attempted_at) as last_failure_at
from signin_attempts
cross join last_success
where email = $email
    and not is_success
    and attempted_at >= $since
    and (last_success.succeeded_at is null or attempted_at > last_success.succeeded_at)
