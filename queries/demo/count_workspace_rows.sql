-- One row: how many rows each main table holds (an empty workspace has zeros).
select
    (select count(*) from users) as users,
    (select count(*) from teams) as teams,
    (select count(*) from territories) as territories,
    (select count(*) from reps) as reps,
    (select count(*) from segments) as segments,
    (select count(*) from products) as products,
    (select count(*) from accounts) as accounts,
    (select count(*) from opportunities) as opportunities,
    (select count(*) from opportunity_events) as opportunity_events,
    (select count(*) from activities) as activities,
    (select count(*) from orders) as orders,
    (select count(*) from returns) as returns,
    (select count(*) from goals) as goals
