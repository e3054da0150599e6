"""Goals: targets per period and scope with attainment live, splits, history and CSV import."""

import calendar
import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import goals
from dashboard.errors import DomainError
from dashboard.ui import loaders, loaders_goals
from dashboard.ui.charts_goals import goal_attainment_chart, split_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table
from dashboard.ui.widgets_goals import period_picker

db, viewer = require_viewer(__file__)
today = dt.date.today()
fiscal = loaders_goals.fiscal_start()
can_edit = viewer.role in goals.EDIT_ROLES

st.sidebar.header("Goals")
period = period_picker("goals", today, fiscal)
metric = st.sidebar.selectbox(
    "Metric", list(goals.METRICS), format_func=goals.METRICS.get, key="goals_metric"
)
money = metric == "bookings"
number_format = "dollar" if money else "localized"


def show(value: object) -> str:
    return goals.format_value(metric, value)


def finish(message: str) -> None:
    """After a write: refresh every cached figure and show the message on the next run."""
    loaders.clear_caches()
    st.session_state["goals_flash"] = message
    st.rerun()


scope_text = {
    "rep": "your own goals",
    "team": "your team, the teams below it and their reps",
    "all": "every scope",
}[viewer.scope_kind]
st.title("Goals")
st.caption(
    f"{goals.METRICS[metric]} goals inside {period.label} "
    f"({period.start:%d %b %Y} – {period.end - dt.timedelta(days=1):%d %b %Y}) · {scope_text} · "
    f"the fiscal year starts in {calendar.month_name[fiscal]}"
)
flash = st.session_state.pop("goals_flash", None)
if flash:
    st.success(flash)

frame = loaders_goals.goal_table(viewer, period, metric, today)
editable = loaders_goals.editable_scopes(viewer) if can_edit else None
editable_keys = (
    {
        (kind, None if pd.isna(scope_id) else int(scope_id))
        for kind, scope_id in zip(editable["scope_kind"], editable["scope_id"], strict=True)
    }
    if editable is not None
    else set()
)
own = frame[
    pd.Series(
        [
            (kind, None if pd.isna(scope_id) else int(scope_id)) in editable_keys
            for kind, scope_id in zip(frame["scope_kind"], frame["scope_id"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
]
labels = {
    int(row.goal_id): f"{row.scope} · {row.period} · {show(row.target)}"
    for row in frame.itertuples()
}

# ------------------------------------------------------------------------ attainment
elapsed = goals.selling_days(period.start, min(period.end, today + dt.timedelta(days=1)))
off = frame[frame["adds_up"] == False]  # noqa: E712 (None = no children)
columns = st.columns(4)
columns[0].metric("Goals", f"{len(frame):,}")
columns[1].metric(
    "On track",
    f"{int((frame['projected_attainment'] >= 1).sum()):,}",
    help="Goals whose run-rate projection reaches 100%. " + goals.PROJECTION_NOTE,
)
columns[2].metric(
    "Splits that do not add up",
    f"{len(off):,}",
    help="Goals whose children's targets do not sum to the goal.",
)
columns[3].metric(
    "Selling days",
    f"{elapsed} of {period.selling_days}",
    help="Monday to Friday, today included.",
)

warnings = frame[frame["split_warning"].notna()]
for row in warnings.itertuples():
    st.warning(f"**{row.scope} · {row.period}**: {row.split_warning}", icon=":material/warning:")

if frame.empty:
    st.info(
        f"No {goals.METRICS[metric].lower()} goals inside {period.label} yet."
        + (" Set one below, split a larger goal, or import a CSV." if can_edit else "")
    )
else:
    kinds = [kind for kind in goals.SCOPE_KINDS if kind in set(frame["scope_kind"])]
    default_kind = next((kind for kind in ("team", "company", "rep") if kind in kinds), kinds[0])
    chart_kind = (
        st.segmented_control(
            "Chart",
            kinds,
            format_func=goals.SCOPE_KINDS.get,
            default=default_kind,
            key="goals_chart_kind",
        )
        or default_kind
    )
    st.plotly_chart(
        goal_attainment_chart(frame[frame["scope_kind"] == chart_kind], money),
        key="goals_attainment_chart",
    )
    st.caption(goals.PROJECTION_NOTE + " " + goals.METRIC_DEFINITIONS[metric])

    def split_state(row: pd.Series) -> str:
        if not row["children"]:
            return ""
        if row["adds_up"]:
            return "adds up"
        side = "short" if row["difference"] < 0 else "over"
        return f"DOES NOT ADD UP ({show(abs(row['difference']))} {side})"

    shown = pd.DataFrame(
        {
            "Goal": frame["goal_id"],
            "Period": frame["period"],
            "Level": frame["scope_kind"].map(goals.SCOPE_KINDS),
            "Scope": frame["scope"],
            "Target": frame["target"],
            "Actual to date": frame["actual"],
            "% of goal": frame["attainment"],
            "Projection": frame["projection"],
            "Projected %": frame["projected_attainment"],
            "Children": frame["children"],
            "Children total": frame["children_total"],
            "Difference": frame["difference"],
            "Split": frame.apply(split_state, axis=1),
            "Warning kept": frame["split_warning"],
            "Version": frame["version"],
            "Last changed by": frame["updated_by"],
            "Last changed at": frame["updated_at"],
        }
    )
    table(
        shown,
        "goals_table",
        f"goals_{metric}_{period.label}",
        column_config={
            "Target": st.column_config.NumberColumn(format=number_format),
            "Actual to date": st.column_config.NumberColumn(format=number_format),
            "% of goal": st.column_config.ProgressColumn(
                format="percent", min_value=0, max_value=1.5
            ),
            "Projection": st.column_config.NumberColumn(format=number_format),
            "Projected %": st.column_config.NumberColumn(format="percent"),
            "Children total": st.column_config.NumberColumn(format=number_format),
            "Difference": st.column_config.NumberColumn(format=number_format),
        },
    )

# ----------------------------------------------------------------------------- tabs
if can_edit:
    names = ["Set or change a goal", "Split a goal", "History", "Import from CSV"]
    if viewer.role == "admin":
        names.append("Fiscal year")
    tabs = dict(zip(names, st.tabs(names), strict=True))
else:
    st.caption(
        "Goals are set by managers (inside their team), executives and administrators; "
        "you can view them."
    )
    tabs = {"History": st.container()}

if can_edit:
    with tabs["Set or change a goal"]:
        mode = st.radio(
            "What do you want to do?",
            ["change", "new"],
            format_func={"change": "Change a goal's target", "new": "Set a new goal"}.get,
            horizontal=True,
            key="goals_edit_mode",
        )
        if mode == "change":
            if own.empty:
                st.info("There is no goal here you may change; set a new one instead.")
            else:
                goal_id = st.selectbox(
                    "Goal",
                    [int(value) for value in own["goal_id"]],
                    format_func=labels.get,
                    key="goals_edit_goal",
                )
                row = own[own["goal_id"] == goal_id].iloc[0]
                bases = st.session_state.setdefault("goals_edit_base", {})
                base = bases.setdefault(goal_id, int(row["version"]))
                st.caption(
                    f"Now {show(row['target'])}, version {int(row['version'])}"
                    + (f", last changed by {row['updated_by']}" if row["updated_by"] else "")
                    + f". You are editing from version {base}."
                )
                if int(row["version"]) != base:
                    st.warning(
                        f"This goal changed since you opened it (now version "
                        f"{int(row['version'])}: {show(row['target'])}). Saving will be "
                        "refused; press Reload to start from the current value."
                    )
                with st.form("goals_edit_form"):
                    new_target = st.number_input(
                        "New target",
                        value=float(row["target"]),
                        step=1000.0 if money else 1.0,
                        format="%.2f" if money else "%.0f",
                        key=f"goals_edit_target_{goal_id}",
                    )
                    note = st.text_input("Why (kept in the history)", key="goals_edit_note")
                    submitted = st.form_submit_button("Save target", type="primary")
                if submitted:
                    try:
                        with db.transaction() as cur:
                            change = goals.edit_goal(
                                cur, viewer, goal_id, new_target, base, note.strip() or None
                            )
                    except DomainError as error:
                        st.error(str(error))
                    else:
                        bases[goal_id] = change.version
                        finish(
                            f"{change.label}: nothing changed."
                            if change.action == "unchanged"
                            else f"Saved {change.label}: {show(change.old_target)} → "
                            f"{show(change.new_target)} (version {change.version})."
                        )
                if st.button("Reload", key="goals_edit_reload", icon=":material/refresh:"):
                    bases.pop(goal_id, None)
                    loaders.clear_caches()
                    st.rerun()
        else:
            kinds = [kind for kind in goals.SCOPE_KINDS if kind in set(editable["scope_kind"])]
            kind = st.selectbox(
                "Level", kinds, format_func=goals.SCOPE_KINDS.get, key="goals_new_kind"
            )
            rows = editable[editable["scope_kind"] == kind]
            scope_id = None
            if kind != "company":
                names_by_id = {
                    int(item.scope_id): "\u2003" * max(int(item.depth) - 1, 0) + item.scope_name
                    for item in rows.itertuples()
                }
                scope_id = st.selectbox(
                    goals.SCOPE_KINDS[kind],
                    list(names_by_id),
                    format_func=names_by_id.get,
                    key=f"goals_new_scope_{kind}",
                )
            left, middle, right = st.columns(3)
            period_text = left.text_input(
                "Period",
                value=period.label,
                help=f"Write {goals.PERIOD_FORMATS}.",
                key="goals_new_period",
            )
            new_metric = middle.selectbox(
                "Metric",
                list(goals.METRICS),
                index=list(goals.METRICS).index(metric),
                format_func=goals.METRICS.get,
                key="goals_new_metric",
            )
            target = right.number_input("Target", value=0.0, step=1000.0, key="goals_new_target")
            if st.button("Set goal", type="primary", key="goals_new_save"):
                try:
                    new_period = goals.parse_period(period_text, fiscal)
                    with goals.transaction(db) as cur:
                        change = goals.set_goal(
                            cur, viewer, kind, scope_id, new_period, new_metric, target
                        )
                except DomainError as error:
                    st.error(str(error))
                else:
                    finish(
                        f"Set {change.label}: {goals.format_value(new_metric, change.new_target)}."
                    )

    with tabs["Split a goal"]:
        method = st.radio(
            "Split",
            list(goals.SPLIT_METHODS),
            format_func=goals.SPLIT_METHODS.get,
            horizontal=True,
            key="goals_split_method",
        )
        catalogue = loaders_goals.all_scopes()
        splittable = own[
            pd.Series(
                [
                    goals.can_split(
                        catalogue,
                        row.scope_kind,
                        None if pd.isna(row.scope_id) else int(row.scope_id),
                        row.period_kind,
                        method,
                    )
                    for row in own.itertuples()
                ],
                index=own.index,
                dtype=bool,
            )
        ]
        if splittable.empty:
            st.info(
                "There is no goal here you may split this way: a split over children needs a "
                "company, team or territory goal; a split over time needs a quarter or year goal."
            )
        else:
            split_id = st.selectbox(
                "Goal to split",
                [int(value) for value in splittable["goal_id"]],
                format_func=labels.get,
                key="goals_split_goal",
            )
            parent_row = splittable[splittable["goal_id"] == split_id].iloc[0]
            sub_kind = "month"
            if method == "seasonality" and parent_row["period_kind"] == "year":
                sub_kind = st.radio(
                    "Over",
                    ["quarter", "month"],
                    format_func={"quarter": "its quarters", "month": "its months"}.get,
                    horizontal=True,
                    key="goals_split_sub_kind",
                )
            proposal = None
            try:
                proposal = loaders_goals.split_proposal(viewer, split_id, method, sub_kind, today)
            except DomainError as error:
                st.error(str(error))
            if proposal is not None:
                drafts = st.session_state.setdefault("goals_split_drafts", {})
                draft_key = f"{split_id}-{method}-{sub_kind}"
                if draft_key not in drafts:
                    drafts[draft_key] = {
                        "frame": proposal.frame,
                        "parent_version": proposal.goal.version,
                    }
                draft = drafts[draft_key]
                editor_key = f"goals_split_editor_{draft_key}"
                st.caption(
                    f"{proposal.goal.label}: {show(proposal.goal.target)} "
                    f"(version {draft['parent_version']}). Edit the Target column; the rows "
                    "add up exactly as proposed (largest remainder rounding)."
                )
                if proposal.note:
                    st.info(proposal.note)
                basis_label = proposal.basis_label or "Last year"
                edited = st.data_editor(
                    draft["frame"][["child", "target", "current_target", "basis", "share"]],
                    key=editor_key,
                    hide_index=True,
                    num_rows="fixed",
                    width="stretch",
                    disabled=["child", "current_target", "basis", "share"],
                    column_config={
                        "child": st.column_config.TextColumn("Child", width="medium"),
                        "current_target": st.column_config.NumberColumn(
                            "Target now", format=number_format
                        ),
                        "basis": st.column_config.NumberColumn(basis_label, format=number_format)
                        if proposal.basis_label
                        else None,
                        "share": st.column_config.NumberColumn("Share", format="percent"),
                        "target": st.column_config.NumberColumn(
                            "Target", format=number_format, required=True, width="medium"
                        ),
                    },
                )
                check = goals.check_split(
                    proposal.goal.target,
                    pd.to_numeric(edited["target"], errors="coerce").fillna(0),
                    metric,
                )
                figures = st.columns(3)
                figures[0].metric("Goal", show(check.parent_target))
                figures[1].metric("Children total", show(check.total))
                figures[2].metric(
                    "Difference",
                    show(check.difference),
                    delta="adds up" if check.adds_up else "does not add up",
                    delta_color="green" if check.adds_up else "red",
                    delta_arrow="off",
                )
                if check.adds_up:
                    st.success(check.message, icon=":material/check_circle:")
                else:
                    st.warning(check.message, icon=":material/warning:")
                st.plotly_chart(
                    split_chart(edited, float(check.parent_target), money),
                    key="goals_split_chart",
                )
                on_mismatch = st.radio(
                    "If the children do not add up",
                    list(goals.MISMATCH_CHOICES),
                    format_func={
                        "block": "Do not save until they add up",
                        "keep": "Save anyway and keep a warning on the goal",
                    }.get,
                    key="goals_split_mismatch",
                )
                save, reset, _ = st.columns([1, 1, 3])
                if save.button("Save split", type="primary", key="goals_split_save"):
                    children = draft["frame"].copy()
                    children["target"] = list(edited["target"])
                    try:
                        with goals.transaction(db) as cur:
                            result = goals.save_split(
                                cur,
                                viewer,
                                split_id,
                                draft["parent_version"],
                                children,
                                on_mismatch,
                            )
                    except DomainError as error:
                        st.error(str(error))
                    else:
                        drafts.pop(draft_key, None)
                        st.session_state.pop(editor_key, None)
                        finish(result.message)
                if reset.button("Start over", key="goals_split_reset"):
                    drafts.pop(draft_key, None)
                    st.session_state.pop(editor_key, None)
                    loaders.clear_caches()
                    st.rerun()

with tabs["History"]:
    if frame.empty:
        st.info("No goals here, so no history.")
    else:
        chosen = st.selectbox(
            "Goal",
            [None, *labels],
            format_func=lambda value: "Every goal in the table" if value is None else labels[value],
            key="goals_history_goal",
        )
        ids = tuple(int(value) for value in frame["goal_id"]) if chosen is None else (chosen,)
        names = {int(row.goal_id): f"{row.scope} · {row.period}" for row in frame.itertuples()}
        history = loaders_goals.goal_history(viewer, ids)
        history.insert(0, "goal", history["goal_id"].map(names))
        history["changed_by_name"] = history["changed_by_name"].fillna("–")
        table(
            history.drop(columns=["goal_id"]).rename(
                columns={
                    "goal": "Goal",
                    "version": "Version",
                    "change_kind": "Change",
                    "old_target": "Old target",
                    "new_target": "New target",
                    "changed_by_name": "By",
                    "changed_at": "When",
                    "note": "Note",
                }
            ),
            "goals_history",
            f"goal_history_{period.label}",
            column_config={
                "Old target": st.column_config.NumberColumn(format=number_format),
                "New target": st.column_config.NumberColumn(format=number_format),
            },
        )

if can_edit:
    with tabs["Import from CSV"]:
        st.markdown(
            "Columns **scope, period, metric, target**, one goal a row, e.g. "
            "`team:Northeast,2027-Q1,bookings,1500000`. A scope is `company` or "
            "`team:`, `rep:`, `territory:`, `product:`, `segment:` followed by a name or id; a "
            f"period is {goals.PERIOD_FORMATS}. Any refused row stops the whole file, unless you "
            "choose to import only the good rows."
        )
        st.download_button(
            "Download an example file",
            goals.goal_template_csv(),
            file_name="goals_example.csv",
            mime="text/csv",
            key="goals_import_example",
            icon=":material/download:",
        )
        uploaded = st.file_uploader("Goal file (CSV)", type=["csv", "txt"], key="goals_import_file")
        if uploaded is not None:
            content = uploaded.getvalue()
            checked = None
            try:
                with db.reading() as cur:
                    checked = goals.check_goal_import(cur, viewer, content)
            except DomainError as error:
                st.error(str(error))
            if checked is not None:
                bad = checked[checked["action"] == "refused"]
                good = checked[checked["action"] != "refused"]
                if len(bad):
                    st.error(
                        f"{len(bad)} of {len(checked)} rows are refused:\n\n"
                        + "\n".join(f"- row {row.row}: {row.reason}" for row in bad.itertuples())
                    )
                else:
                    counts = good["action"].value_counts()
                    st.success(
                        f"All {len(checked)} rows are fine: {counts.get('create', 0)} new goals, "
                        f"{counts.get('update', 0)} changed, {counts.get('unchanged', 0)} unchanged."
                    )
                table(
                    checked[
                        [
                            "row",
                            "scope",
                            "period",
                            "metric",
                            "target",
                            "action",
                            "reason",
                            "current_target",
                        ]
                    ].rename(
                        columns={
                            "row": "Row",
                            "scope": "Scope",
                            "period": "Period",
                            "metric": "Metric",
                            "target": "Target",
                            "action": "What happens",
                            "reason": "Why refused",
                            "current_target": "Target now",
                        }
                    ),
                    "goals_import_check",
                    "goal_import_check",
                )
                left, right, _ = st.columns([1, 1, 2])
                run_all = left.button("Import all rows", type="primary", key="goals_import_all")
                run_good = (
                    right.button(f"Import only the {len(good)} good rows", key="goals_import_good")
                    if len(bad) and len(good)
                    else False
                )
                if run_all or run_good:
                    try:
                        with goals.transaction(db) as cur:
                            result = goals.import_goals(cur, viewer, content, good_only=run_good)
                    except DomainError as error:
                        st.error(str(error))
                    else:
                        finish(
                            f"Imported: {result.created} goals created, {result.updated} changed, "
                            f"{result.unchanged} unchanged"
                            + (f", {result.bad} rows left out." if result.bad else ".")
                        )

    if viewer.role == "admin":
        with tabs["Fiscal year"]:
            month = st.selectbox(
                "The fiscal year starts in",
                list(range(1, 13)),
                index=fiscal - 1,
                format_func=lambda value: calendar.month_name[value],
                key="goals_fiscal_month",
            )
            st.caption(
                "FY2027 is the fiscal year that ends in 2027; with January it is the calendar "
                "year. Quarters in the period list follow the fiscal year."
            )
            if st.button("Save fiscal year start", key="goals_fiscal_save"):
                try:
                    with db.transaction() as cur:
                        goals.set_fiscal_year_start(cur, viewer, int(month))
                except DomainError as error:
                    st.error(str(error))
                else:
                    finish(f"The fiscal year now starts in {calendar.month_name[int(month)]}.")
