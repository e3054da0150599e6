-- One rep (or none) by $rep_id.
select rep_id, full_name, team_id from reps where rep_id = $rep_id
