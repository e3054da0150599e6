"""Sales plans: objectives, strategy, resources and initiatives, with capacity and demand."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import capacity, goals, plans
from dashboard.errors import DomainError
from dashboard.ui import loaders, loaders_goals
from dashboard.ui.charts_goals import capacity_funnel_chart, demand_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import money, percent, table
from dashboard.ui.widgets_goals import period_picker, scope_picker

db, viewer = require_viewer(__file__)
today = dt.date.today()
fiscal = loaders_goals.fiscal_start()

st.sidebar.header("Sales plan")
period = period_picker("plans", today, fiscal)
picked = scope_picker("plans", loaders_goals.viewable_scopes(viewer))

st.title("Sales plans")
if picked is None:
    st.info("There is no scope you can see.")
    st.stop()
scope_kind, scope_id, scope_name = picked
editable = loaders_goals.editable_scopes(viewer)
can_edit = bool(
    (
        (editable["scope_kind"] == scope_kind)
        & (editable["scope_id"].isna() if scope_id is None else editable["scope_id"] == scope_id)
    ).any()
)
st.caption(
    f"{goals.scope_label(scope_kind, scope_name, capital=True)} · {period.label} "
    f"({period.start:%d %b %Y} – {period.end - dt.timedelta(days=1):%d %b %Y}) · amounts in USD"
    + ("" if can_edit else " · read only")
)
flash = st.session_state.pop("plans_flash", None)
if flash:
    st.success(flash)

try:
    plan = loaders_goals.plan_for(viewer, scope_kind, scope_id, period)
except DomainError as error:
    st.error(str(error))
    st.stop()

plan_tab, history_tab, capacity_tab, demand_tab, list_tab = st.tabs(
    ["Plan", "History", "Capacity", "Demand", "All plans in the period"]
)
draft_key = f"{scope_kind}-{scope_id}-{period.kind}-{period.start.isoformat()}"

# ----------------------------------------------------------------------------- plan
with plan_tab:
    if plan is not None:
        st.caption(
            f"Version {plan.version}"
            + (f", saved by {plan.updated_by_name}" if plan.updated_by_name else "")
            + (f" on {plan.updated_at:%Y-%m-%d %H:%M}" if plan.updated_at else "")
            + "."
        )
    if can_edit:
        bases = st.session_state.setdefault("plans_base", {})
        base = bases.setdefault(draft_key, None if plan is None else plan.version)
        if plan is not None and plan.version != base:
            st.warning(
                f"This plan changed since you opened it (now version {plan.version}"
                + (f" by {plan.updated_by_name}" if plan.updated_by_name else "")
                + "). Saving will be refused; press Reload to start from the current version."
            )
        content = (
            plan.content
            if plan is not None
            else plans.PlanContent(title=f"{scope_name} sales plan {period.label}")
        )
        suffix = f"{draft_key}-{base}"
        with st.form("plans_form"):
            title = st.text_input("Title", value=content.title, key=f"plans_title_{suffix}")
            objectives = st.text_area(
                "Objectives",
                value=content.objectives,
                height=120,
                placeholder="What the team sets out to reach this period.",
                key=f"plans_objectives_{suffix}",
            )
            strategy = st.text_area(
                "Strategy",
                value=content.strategy,
                height=120,
                placeholder="How: markets, products, channels, priorities.",
                key=f"plans_strategy_{suffix}",
            )
            left, right = st.columns(2)
            headcount = left.number_input(
                "Headcount (reps)",
                value=content.headcount,
                step=1,
                key=f"plans_headcount_{suffix}",
            )
            budget = right.number_input(
                "Budget (USD)",
                value=None if content.budget is None else float(content.budget),
                step=1000.0,
                key=f"plans_budget_{suffix}",
            )
            st.markdown("**Initiatives**")
            items = st.data_editor(
                plans.initiatives_frame(content),
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                key=f"plans_items_{suffix}",
                column_config={
                    "title": st.column_config.TextColumn("Initiative", required=True),
                    "owner": st.column_config.TextColumn("Owner"),
                    "due_date": st.column_config.DateColumn("Due date", format="YYYY-MM-DD"),
                    "status": st.column_config.SelectboxColumn(
                        "Status", options=list(plans.PLAN_STATUSES), default="planned"
                    ),
                    "expected_impact": st.column_config.NumberColumn(
                        "Expected impact (USD)", format="dollar"
                    ),
                    "notes": st.column_config.TextColumn("Notes"),
                },
            )
            submitted = st.form_submit_button("Save plan", type="primary")
        if submitted:
            try:
                checked = plans.check_plan_content(
                    title, objectives, strategy, headcount, budget, items
                )
                with db.transaction() as cur:
                    saved = plans.save_plan(
                        cur, viewer, scope_kind, scope_id, period, checked, base
                    )
            except DomainError as error:
                st.error(str(error))
            else:
                bases[draft_key] = saved.plan.version
                loaders.clear_caches()
                st.session_state["plans_flash"] = saved.message
                st.rerun()
        if plan is not None and st.button("Reload", key="plans_reload", icon=":material/refresh:"):
            bases.pop(draft_key, None)
            loaders.clear_caches()
            st.rerun()
    elif plan is None:
        st.info("There is no plan for this scope and period yet.")
    else:
        st.markdown(plans.plan_to_markdown(plan))

    if plan is not None:
        st.subheader("Export")
        file_stem = f"plan_{scope_kind}_{scope_name}_{period.label}".replace(" ", "_")
        exports = (  # label, content, file extension, MIME type, key suffix
            (
                "Plan and initiatives (XLSX)",
                plans.plan_to_xlsx(plan),
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            ("Plan and initiatives (CSV)", plans.plan_to_csv(plan), "csv", "text/csv", "csv"),
            (
                "Plan as text (Markdown)",
                plans.plan_to_markdown(plan),
                "md",
                "text/markdown",
                "markdown",
            ),
        )
        for column, (label, content, extension, mime, key) in zip(
            st.columns(len(exports)), exports, strict=True
        ):
            column.download_button(
                label,
                content,
                file_name=f"{file_stem}.{extension}",
                mime=mime,
                key=f"plans_export_{key}",
                icon=":material/download:",
            )
        if plan.content.initiatives:
            table(
                plans.export_initiatives(plan),
                "plans_initiatives",
                f"{file_stem}_initiatives",
                column_config={
                    "Expected impact (USD)": st.column_config.NumberColumn(format="dollar")
                },
            )

# -------------------------------------------------------------------------- history
with history_tab:
    if plan is None:
        st.info("No plan yet, so no history.")
    else:
        versions = loaders_goals.plan_versions(viewer, plan.plan_id)
        table(
            versions.rename(
                columns={
                    "version": "Version",
                    "saved_by_name": "Saved by",
                    "saved_at": "Saved at",
                    "change_summary": "What changed",
                }
            ),
            "plans_versions",
            f"plan_{plan.plan_id}_versions",
        )
        numbers = sorted(int(value) for value in versions["version"])
        if len(numbers) < 2:
            st.caption("Only one version so far; the next save shows what changed.")
        else:
            left, right = st.columns(2)
            old = left.selectbox(
                "Compare version", numbers, index=len(numbers) - 2, key="plans_diff_old"
            )
            new = right.selectbox(
                "with version", numbers, index=len(numbers) - 1, key="plans_diff_new"
            )
            changes = loaders_goals.plan_diff(viewer, plan.plan_id, int(old), int(new))
            if changes.empty:
                st.info("The two versions are the same.")
            else:
                table(
                    changes.rename(
                        columns={
                            "part": "Part",
                            "item": "Initiative",
                            "field": "Field",
                            "old": f"Version {old}",
                            "new": f"Version {new}",
                        }
                    ),
                    "plans_diff",
                    f"plan_{plan.plan_id}_v{old}_v{new}",
                )

# ------------------------------------------------------------------------- capacity
with capacity_tab:
    st.caption(
        "The reverse funnel: what the goal needs, worked back through this scope's last four "
        "complete quarters (win rate, deal size, stage conversion, cycle, activities)."
    )
    scope_goals = loaders_goals.scope_goals(viewer, scope_kind, scope_id, period)
    usable = scope_goals[scope_goals["metric"].isin(capacity.CAPACITY_METRICS)]
    choices = {
        int(
            row.goal_id
        ): f"{goals.METRICS[row.metric]} goal: {goals.format_value(row.metric, row.target)}"
        for row in usable.itertuples()
    }
    choice = st.selectbox(
        "Plan from",
        [*choices, None],
        format_func=lambda value: "A target I enter" if value is None else choices[value],
        key="plans_capacity_goal",
    )
    if choice is None:
        left, right = st.columns(2)
        capacity_metric = left.selectbox(
            "Metric",
            list(capacity.CAPACITY_METRICS),
            format_func=goals.METRICS.get,
            key="plans_capacity_metric",
        )
        capacity_target = right.number_input(
            "Target",
            value=1_000_000.0 if capacity_metric == "bookings" else 20.0,
            key="plans_capacity_target",
        )
    else:
        row = usable[usable["goal_id"] == choice].iloc[0]
        capacity_metric, capacity_target = row["metric"], float(row["target"])
    result = None
    try:
        result = loaders_goals.capacity_plan(
            viewer, scope_kind, scope_id, period, capacity_metric, float(capacity_target), today
        )
    except DomainError as error:
        st.error(str(error))
    if result is not None:
        history, need = result
        figures = st.columns(3) + st.columns(3)
        figures[0].metric(
            "Pipeline needed",
            money(need.pipeline_needed),
            help=capacity.DEFINITIONS["Pipeline needed"],
        )
        figures[1].metric(
            "Opportunities / week",
            "–" if need.opportunities_per_week is None else f"{need.opportunities_per_week:,.1f}",
            delta=f"{need.opportunities_needed or 0:,} in all",
            delta_color="off",
            delta_arrow="off",
            help=capacity.DEFINITIONS["Opportunities per week"],
        )
        figures[2].metric(
            "Activities / rep / week",
            "–"
            if need.activities_per_rep_per_week is None
            else f"{need.activities_per_rep_per_week:,.1f}",
            delta=f"{need.headcount_now} reps",
            delta_color="off",
            delta_arrow="off",
            help=capacity.DEFINITIONS["Activities per rep per week"],
        )
        figures[3].metric(
            "Headcount implied",
            "–" if need.headcount_implied is None else f"{need.headcount_implied:,.1f}",
            delta=f"{need.headcount_now} now",
            delta_color="off",
            delta_arrow="off",
            help=capacity.DEFINITIONS["Headcount implied"],
        )
        figures[4].metric(
            "Open pipeline due",
            money(need.open_due_amount),
            delta=f"{money(need.open_due_weighted)} weighted",
            delta_color="off",
            delta_arrow="off",
            help=capacity.DEFINITIONS["Open pipeline due"],
        )
        covered = not need.pipeline_gap or need.pipeline_gap <= 0
        figures[5].metric(
            "Gap",
            money(max(need.pipeline_gap or 0, 0)),
            delta="covered" if covered else "missing",
            delta_color="green" if covered else "red",
            delta_arrow="off",
            help=capacity.DEFINITIONS["Gap"],
        )
        st.markdown("\n".join(f"- {line}" for line in need.summary))
        left, right = st.columns([3, 2])
        with left:
            if need.funnel.empty:
                st.info("No funnel to draw: the goal is reached or there is no history.")
            else:
                st.plotly_chart(capacity_funnel_chart(need.funnel), key="plans_funnel_chart")
        with right:
            basis = pd.DataFrame(
                [
                    ("History", f"{history.start} to {history.end - dt.timedelta(days=1)}"),
                    ("Won · lost", f"{history.won:,} · {history.lost:,}"),
                    ("Win rate", percent(history.win_rate)),
                    ("Average deal size", money(history.avg_deal_size)),
                    (
                        "Cycle length",
                        "–" if history.cycle_days is None else f"{history.cycle_days:,.0f} days",
                    ),
                    (
                        "Activities per won deal",
                        "–"
                        if history.activities_per_won is None
                        else f"{history.activities_per_won:,.1f}",
                    ),
                    ("Reps", f"{history.reps:,}"),
                    (
                        "Bookings per rep per quarter",
                        money(history.output_per_rep_quarter("bookings")),
                    ),
                ],
                columns=["Figure", "Value"],
            )
            table(basis, "plans_capacity_basis", "capacity_basis")
        with st.expander("Stage conversion (history) and every figure (tables)"):
            table(
                history.stages.rename(
                    columns={
                        "stage_name": "Stage",
                        "sort_order": "Order",
                        "reached": "Deals that reached it",
                        "conversion": "Reached the next",
                        "to_won": "Won in the end",
                    }
                ),
                "plans_stage_conversion",
                "stage_conversion",
                column_config={
                    "Reached the next": st.column_config.NumberColumn(format="percent"),
                    "Won in the end": st.column_config.NumberColumn(format="percent"),
                },
            )
            table(need.figures(), "plans_capacity_figures", f"capacity_{period.label}")
            st.caption(
                " ".join(f"**{name}**: {text}" for name, text in capacity.DEFINITIONS.items())
            )

# --------------------------------------------------------------------------- demand
with demand_tab:
    this_month = dt.date(today.year, today.month, 1)
    first_month = period.start if period.end <= today or period.start > this_month else this_month
    months_in_period = (
        (period.end.year - first_month.year) * 12 + period.end.month - first_month.month
    )
    months = st.slider(
        f"Months from {first_month:%b %Y}",
        min_value=3,
        max_value=12,
        value=max(6, min(12, months_in_period)),
        key="plans_demand_months",
    )
    demand = loaders_goals.demand(viewer, scope_kind, scope_id, first_month, int(months), today)
    history = loaders_goals.scope_history(viewer, scope_kind, scope_id, today)
    planned = plan.content.headcount if plan is not None and plan.content.headcount else None
    headcount = planned or history.reps
    monthly = capacity.monthly_capacity(history, headcount)
    totals = capacity.summarise_demand(demand, monthly)
    st.caption(
        "Bars: open deals expected to close each month (amount x probability), by product. "
        "Lines: the same month last year and the trailing 12-month average of bookings"
        + (
            f"; dashed: what {headcount} reps book a month at this scope's historical "
            f"{money(history.output_per_rep_quarter('bookings'))} per rep per quarter"
            + (" (the plan's headcount)" if planned else " (today's headcount)")
            if monthly
            else ""
        )
        + "."
    )
    st.plotly_chart(
        demand_chart(
            demand,
            totals,
            f"Capacity of {headcount} reps" + (" (the plan)" if planned else " (today)"),
        ),
        key="plans_demand_chart",
    )
    shortfall = totals[
        totals["capacity"].notna() & (totals["pipeline_expected"] > totals["capacity"])
    ]
    if monthly and len(shortfall):
        st.warning(
            "Expected demand exceeds the team's capacity in "
            + ", ".join(f"{month:%b %Y}" for month in shortfall["month_start"])
            + "."
        )
    table(
        totals.rename(
            columns={
                "month_start": "Month",
                "pipeline_amount": "Open pipeline due",
                "pipeline_expected": "Expected (weighted)",
                "last_year": "Same month last year",
                "trailing_average": "Trailing 12-month average",
                "capacity": "Capacity",
            }
        ),
        "plans_demand_totals",
        f"demand_by_month_{scope_kind}_{period.label}",
        column_config={
            "Month": st.column_config.DateColumn(format="MMM YYYY"),
            **{
                name: st.column_config.NumberColumn(format="dollar")
                for name in (
                    "Open pipeline due",
                    "Expected (weighted)",
                    "Same month last year",
                    "Trailing 12-month average",
                    "Capacity",
                )
            },
        },
    )
    with st.expander("By product and month (table)"):
        table(
            demand.drop(columns=["product_id"]),
            "plans_demand_products",
            f"demand_by_product_{scope_kind}_{period.label}",
        )

# ---------------------------------------------------------------------------- list
with list_tab:
    listing = loaders_goals.plan_list(viewer, period)
    if listing.empty:
        st.info(f"No plans inside {period.label} yet.")
    else:
        table(
            listing.drop(columns=["plan_id", "scope_kind"]),
            "plans_list",
            f"plans_{period.label}",
            column_config={"budget": st.column_config.NumberColumn(format="dollar")},
        )
