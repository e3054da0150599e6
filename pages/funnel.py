"""Funnel: stage funnel and conversion, win rates, cycle and velocity by slice and period,
time in stage, the pipeline as of any date and the pipeline waterfall between two dates."""

import datetime as dt

import streamlit as st

from dashboard import funnel, metrics
from dashboard.errors import DomainError
from dashboard.ui import loaders_analytics as loaders
from dashboard.ui.charts_analytics import (
    funnel_chart,
    pipeline_as_of_chart,
    time_in_stage_chart,
    waterfall_chart,
)
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import deal_filters, money, percent, period_picker, table

db, viewer = require_viewer(__file__)
today = dt.date.today()
now = dt.datetime.combine(today, dt.time(23, 59, 59))

st.sidebar.header("Filters")
period = period_picker("funnel", today)
filters = deal_filters("funnel", viewer)

scope_label = {"rep": "your deals", "team": "your team", "all": "the whole company"}[
    viewer.scope_kind
]
st.title("Funnel")
st.caption(f"{period.label} · {scope_label} · amounts in USD")

if period.start is None or period.end is None:
    st.error("Choose a period with a first and a last day.")
    st.stop()

controls = st.columns([2, 2, 2])
cohort = controls[0].selectbox(
    "Funnel of", list(funnel.COHORTS), format_func=funnel.COHORTS.get, key="funnel_cohort"
)
slice_choices = [key for key in funnel.SLICES if viewer.scope_kind != "rep" or key != "team"]
slice_by = controls[1].selectbox(
    "Slice by", slice_choices, format_func=funnel.SLICES.get, key="funnel_slice"
)
length = (period.end - period.start).days
compare_options = {
    "previous": "The period before",
    "last_year": "The same period last year",
    "none": "No comparison",
}
compare_choice = controls[2].selectbox(
    "Compare with",
    list(compare_options),
    format_func=compare_options.get,
    key="funnel_compare",
)
compare = None
if compare_choice == "previous":
    compare = metrics.Period(period.start - dt.timedelta(days=length), period.start)
elif compare_choice == "last_year":
    compare = metrics.Period(
        metrics.add_months(period.start, -12), metrics.add_months(period.end, -12)
    )
labels = {1: period.label, 2: compare.label if compare else ""}

try:
    stages = loaders.funnel_stages(viewer, period, filters, slice_by, cohort, compare)
    outcomes = loaders.funnel_outcomes(viewer, period, filters, "none", compare, now)
    sliced = (
        outcomes
        if slice_by == "none"
        else loaders.funnel_outcomes(viewer, period, filters, slice_by, compare, now)
    )
except DomainError as error:
    st.error(str(error))
    st.stop()

this = outcomes[outcomes["period_no"] == 1]
before = outcomes[outcomes["period_no"] == 2]


def figure(frame, column):
    return None if frame.empty or frame[column].isna().iloc[0] else float(frame[column].iloc[0])


def delta(column, kind):
    if compare is None or before.empty:
        return None
    now_value, then_value = figure(this, column), figure(before, column)
    if now_value is None or then_value is None:
        return None
    change = now_value - then_value
    if kind == "percent":
        return f"{change * 100:+.1f} pts vs {compare.label}"
    if kind == "money":
        return f"{'+' if change >= 0 else '-'}{money(abs(change))} vs {compare.label}"
    return f"{change:+,.0f} vs {compare.label}"


cohort_deals = stages[(stages["period_no"] == 1) & (stages["stage_order"] == 1)]["reached"].sum()
cards = st.columns(6)
cards[0].metric(
    "Deals in the funnel",
    f"{int(cohort_deals):,}",
    help=funnel.COHORTS[cohort],
)
cards[1].metric(
    "Win rate",
    percent(figure(this, "win_rate")),
    delta=delta("win_rate", "percent"),
    help=funnel.FUNNEL_DEFINITIONS["Win rate (count)"],
)
cards[2].metric(
    "Win rate by value",
    percent(figure(this, "win_rate_value")),
    delta=delta("win_rate_value", "percent"),
    help=funnel.FUNNEL_DEFINITIONS["Win rate (value)"],
)
cards[3].metric(
    "Average deal size",
    money(figure(this, "avg_deal_size")),
    delta=delta("avg_deal_size", "money"),
    help=funnel.FUNNEL_DEFINITIONS["Average deal size"],
)
median_cycle, mean_cycle = figure(this, "cycle_days_median"), figure(this, "cycle_days_mean")
cards[4].metric(
    "Sales cycle (median)",
    "–" if median_cycle is None else f"{median_cycle:.0f} days",
    delta="–" if mean_cycle is None else f"mean {mean_cycle:.1f} days",
    delta_color="off",
    help=funnel.FUNNEL_DEFINITIONS["Sales cycle"],
)
cards[5].metric(
    "Velocity",
    "–" if figure(this, "velocity_per_day") is None else money(figure(this, "velocity_per_day")),
    delta=f"per day · {int(figure(this, 'open_deals') or 0):,} open deals",
    delta_color="off",
    help=funnel.FUNNEL_DEFINITIONS["Velocity"],
)

st.subheader("Stage funnel")
slice_keys = sorted(stages["slice_key"].unique())
shown_slice = slice_keys[0] if slice_keys else "All"
if slice_by != "none" and slice_keys:
    shown_slice = st.selectbox(
        f"{funnel.SLICES[slice_by]} shown in the chart", slice_keys, key="funnel_chart_slice"
    )
chart_rows = stages[stages["slice_key"] == shown_slice]
if chart_rows.empty:
    st.info("No deals in this funnel for the period.")
else:
    st.plotly_chart(funnel_chart(chart_rows, labels), key="funnel_chart")
stage_table = stages.assign(period=stages["period_no"].map(labels)).drop(columns=["period_no"])
table(
    stage_table.rename(
        columns={
            "slice_key": funnel.SLICES[slice_by],
            "stage_name": "Stage",
            "reached": "Reached",
            "reached_amount": "Amount reached",
            "next_deals": "Went on",
            "conversion": "Conversion",
            "dropped_lost": "Lost here",
            "dropped_open": "Still here",
            "dropped": "Drop-off",
            "dropped_amount": "Drop-off amount",
            "period": "Period",
        }
    ).drop(columns=["stage_order", "next_amount"]),
    "funnel_stages",
    f"funnel_{cohort}_{period.label}",
    column_config={
        "Amount reached": st.column_config.NumberColumn(format="dollar"),
        "Drop-off amount": st.column_config.NumberColumn(format="dollar"),
        "Conversion": st.column_config.NumberColumn(format="percent"),
    },
)
st.caption(
    f"**Reached**: {funnel.FUNNEL_DEFINITIONS['Reached stage']} "
    f"**Drop-off**: {funnel.FUNNEL_DEFINITIONS['Drop-off']}"
)

st.subheader(
    "Win rate, deal size, cycle and velocity" + ("" if slice_by == "none" else " by slice")
)
outcome_table = sliced.assign(period=sliced["period_no"].map(labels)).drop(columns=["period_no"])
table(
    outcome_table.rename(
        columns={
            "slice_key": funnel.SLICES[slice_by],
            "period": "Period",
            "won": "Won",
            "lost": "Lost",
            "bookings": "Bookings",
            "lost_amount": "Lost amount",
            "cycle_days_median": "Cycle median (days)",
            "cycle_days_mean": "Cycle mean (days)",
            "open_deals": "Open deals at end",
            "open_amount": "Open amount at end",
            "win_rate": "Win rate",
            "win_rate_value": "Win rate (value)",
            "avg_deal_size": "Average deal size",
            "velocity_per_day": "Velocity per day",
        }
    ),
    "funnel_outcomes",
    f"funnel_outcomes_{slice_by}_{period.label}",
    column_config={
        "Bookings": st.column_config.NumberColumn(format="dollar"),
        "Lost amount": st.column_config.NumberColumn(format="dollar"),
        "Open amount at end": st.column_config.NumberColumn(format="dollar"),
        "Average deal size": st.column_config.NumberColumn(format="dollar"),
        "Velocity per day": st.column_config.NumberColumn(format="dollar"),
        "Win rate": st.column_config.NumberColumn(format="percent"),
        "Win rate (value)": st.column_config.NumberColumn(format="percent"),
        "Cycle mean (days)": st.column_config.NumberColumn(format="%.1f"),
    },
)

st.subheader("Time in stage")
stays = loaders.time_in_stage(viewer, period, filters, now)
if stays.empty:
    st.info("No stage stays in this period.")
else:
    st.plotly_chart(time_in_stage_chart(stays), key="funnel_time_chart")
    table(
        stays.drop(columns=["stage_id", "stage_order"]),
        "funnel_time",
        f"time_in_stage_{period.label}",
        column_config={
            column: st.column_config.NumberColumn(format="%.1f")
            for column in (
                "mean_days",
                "p05_days",
                "p25_days",
                "median_days",
                "p75_days",
                "p95_days",
            )
        },
    )
st.caption(funnel.FUNNEL_DEFINITIONS["Time in stage"])

left, right = st.columns(2)
with left:
    st.subheader("Pipeline as of a date")
    as_of = st.date_input(
        "As of the end of", value=today, max_value=today, key="funnel_as_of", format="YYYY-MM-DD"
    )
    as_of_stages = loaders.pipeline_as_of(viewer, as_of, filters)
    st.plotly_chart(pipeline_as_of_chart(as_of_stages, as_of.isoformat()), key="funnel_as_of_chart")
    st.caption(
        f"{int(as_of_stages['deals'].sum()):,} open deals, {money(as_of_stages['amount'].sum())}"
        f" ({money(as_of_stages['weighted_amount'].sum())} weighted). "
        + funnel.FUNNEL_DEFINITIONS["Pipeline as of a date"]
    )
with right:
    st.subheader("Pipeline waterfall")
    quarter_start = metrics.Period.quarter_of(today).start
    picked = st.date_input(
        "From – to (both days included)",
        value=(quarter_start, today),
        max_value=today,
        key="funnel_waterfall_range",
        format="YYYY-MM-DD",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.info("Pick the last day too.")
        st.stop()
    first_day, last_day = picked
    window_options = {
        "quarter": f"Deals expected to close in {metrics.Period.quarter_of(last_day).label}",
        "all": "All open deals",
    }
    window_choice = st.radio(
        "Close window",
        list(window_options),
        format_func=window_options.get,
        horizontal=True,
        key="funnel_window",
    )
    window = metrics.Period.quarter_of(last_day) if window_choice == "quarter" else None
    try:
        steps = loaders.waterfall(viewer, first_day, last_day, window, filters)
    except DomainError as error:
        st.error(str(error))
        st.stop()
    st.plotly_chart(waterfall_chart(steps), key="funnel_waterfall_chart")
    balance = funnel.waterfall_balance(steps)
    st.caption(
        ("Reconciles exactly: start + flows = end. " if balance == 0 else f"Off by {balance}. ")
        + funnel.FUNNEL_DEFINITIONS["Waterfall"]
    )
table(
    steps[["label", "deals", "amount"]].rename(
        columns={"label": "Step", "deals": "Deals", "amount": "Amount"}
    ),
    "funnel_waterfall",
    f"waterfall_{first_day}_{last_day}",
    column_config={"Amount": st.column_config.NumberColumn(format="dollar")},
)

st.subheader("Deals behind the figures")
sources = {
    "funnel": "Funnel stage",
    "waterfall": "Waterfall step",
    "time": "Time in stage",
    "as_of": "Pipeline as of the date",
}
source = (
    st.segmented_control(
        "Drill into", list(sources), format_func=sources.get, default="funnel", key="funnel_drill"
    )
    or "funnel"
)
stage_names = dict(zip(stages["stage_order"], stages["stage_name"], strict=False)) or {
    1: "Prospecting"
}
if source == "funnel":
    pick = st.columns(3)
    stage_order = pick[0].selectbox(
        "Stage", list(stage_names), format_func=stage_names.get, key="funnel_drill_stage"
    )
    kind = pick[1].selectbox(
        "Deals that",
        list(funnel.FUNNEL_DEAL_KINDS),
        format_func=funnel.FUNNEL_DEAL_KINDS.get,
        key="funnel_drill_kind",
    )
    slice_key = None
    if slice_by != "none":
        slice_key = pick[2].selectbox(
            funnel.SLICES[slice_by],
            [None, *slice_keys],
            format_func=lambda key: key or "All",
            key="funnel_drill_slice",
        )
    deals = loaders.funnel_deals(
        viewer, period, int(stage_order), kind, filters, slice_by, slice_key, cohort
    )
    name = f"funnel_deals_{stage_names[stage_order]}_{kind}"
elif source == "waterfall":
    step = st.selectbox(
        "Step",
        list(funnel.WATERFALL_STEPS),
        format_func=funnel.WATERFALL_STEPS.get,
        key="funnel_drill_step",
    )
    deals = loaders.waterfall_deals(viewer, first_day, last_day, step, window, filters)
    name = f"waterfall_{step}_{first_day}_{last_day}"
elif source == "time":
    pick = st.columns(2)
    stage_order = pick[0].selectbox(
        "Stage", list(stage_names), format_func=stage_names.get, key="funnel_drill_time_stage"
    )
    state = pick[1].selectbox(
        "Stays",
        ["completed", "current"],
        format_func={"completed": "Ended in the period", "current": "Still open"}.get,
        key="funnel_drill_state",
    )
    deals = loaders.stage_stays(viewer, period, int(stage_order), state, filters, now)
    name = f"time_in_{stage_names[stage_order]}_{state}"
else:
    stage_order = st.selectbox(
        "Stage",
        [None, *stage_names],
        format_func=lambda key: stage_names.get(key, "All stages"),
        key="funnel_drill_as_of_stage",
    )
    deals = loaders.pipeline_as_of_deals(viewer, as_of, stage_order, filters)
    name = f"pipeline_as_of_{as_of}"
if len(deals) >= funnel.DEAL_LIMIT:
    st.caption("The 5,000 largest are shown; narrow the filters to see the rest.")
table(
    deals,
    "funnel_deals",
    name.replace(" ", "_"),
    column_config={
        column: st.column_config.NumberColumn(format="dollar")
        for column in ("amount", "step_amount", "amount_at_entry", "amount_at_exit")
        if column in deals.columns
    },
)
