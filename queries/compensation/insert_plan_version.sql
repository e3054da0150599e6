-- Appends version $plan_version of plan $comp_plan_id: measure $measure, target incentive
-- $target_incentive, cap $cap_multiple (x target incentive, null = none), clawback window
-- $clawback_days (null = none), draw $draw_amount ($draw_is_recoverable), note $change_note,
-- saved by user $saved_by.
insert into comp_plan_versions (
    plan_id, version, measure, target_incentive, cap_multiple, clawback_days, draw_amount,
    draw_is_recoverable, change_note, saved_by
)
values (
    $comp_plan_id, $plan_version, $measure, $target_incentive, $cap_multiple, $clawback_days,
    $draw_amount, $draw_is_recoverable, $change_note, $saved_by
)
