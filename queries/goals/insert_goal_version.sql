-- Appends one version of goal $goal_id: $version, $change_kind ('created', 'edited', 'split',
-- 'imported'), $old_target (null when created) -> $new_target, by $user_id at $changed_at,
-- with an optional $note.
insert into goal_versions (
    goal_id, version, change_kind, old_target, new_target, changed_by, changed_at, note
)
values (
    $goal_id, $version, $change_kind, $old_target, $new_target, $user_id, $changed_at, $note
)
