-- One row (or none) when a deal with $opportunity_id exists, whatever the scope.
select opportunity_id, owner_rep_id from opportunities where opportunity_id = $opportunity_id
