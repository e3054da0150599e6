-- The lines of frozen statements of quarters starting in [$range_start, $range_end) for the
-- reps the viewer may see ($scope_kind, $scope_rep_id, $scope_team_id), optionally only rep
-- $only_rep_id: one row per line, with its statement's rep and period, in line order.
select
    statements.rep_id,
    statements.period_start,
    lines.*
from comp_statement_lines as lines
inner join comp_statements as statements on statements.statement_id = lines.statement_id
where statements.period_start >= $range_start
    and statements.period_start < $range_end
    and statements.rep_id in (
        select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id)
    )
    and ($only_rep_id is null or statements.rep_id = $only_rep_id)
order by statements.period_start, statements.rep_id, lines.line_no
