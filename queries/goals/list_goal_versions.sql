-- The history of the goals in $goal_ids (a list of ids): one row per version, newest first,
-- with the change kind, old and new target, who (name) and when, and the note. A goal
-- created before versions were recorded (the demo) gets its first version from the goals
-- row: the target it had then (the old target of its earliest recorded change) or its
-- current target.
with recorded as (
    select
        goal_id,
        version,
        change_kind,
        old_target,
        new_target,
        changed_by,
        changed_at,
        note
    from goal_versions
    where goal_id in (select unnest($goal_ids))
),

earliest as (
    select
        goal_id,
        min(version) as first_version,
        arg_min(old_target, version) as first_old_target
    from recorded
    group by goal_id
),

initial as (
    select
        goals.goal_id,
        1 as version,
        'created' as change_kind,
        null::decimal(18, 2) as old_target,
        coalesce(earliest.first_old_target, goals.target) as new_target,
        goals.created_by as changed_by,
        goals.created_at as changed_at,
        'recorded before versions were kept' as note
    from goals
    left join earliest on earliest.goal_id = goals.goal_id
    where goals.goal_id in (select unnest($goal_ids))
        and coalesce(earliest.first_version, 2) > 1
),

final as (
    select
        versions.goal_id,
        versions.version,
        versions.change_kind,
        versions.old_target,
        versions.new_target,
        users.display_name as changed_by_name,
        versions.changed_at,
        versions.note
    from (select * from recorded union all select * from initial) as versions
    left join users on users.user_id = versions.changed_by
)

select * from final
order by changed_at desc, goal_id, version desc
