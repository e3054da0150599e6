"""Overview: bookings vs goal, win rate, pipeline and coverage for what the viewer may see."""

import datetime as dt

import streamlit as st

from dashboard import metrics
from dashboard.ui import loaders
from dashboard.ui.charts import attainment_chart, bookings_vs_goal_chart, pipeline_by_stage_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import deal_filters, money, percent, period_picker, table

db, viewer = require_viewer(__file__)
today = dt.date.today()

st.sidebar.header("Filters")
period = period_picker("overview", today)
filters = deal_filters("overview", viewer)

scope_label = {"rep": "your deals", "team": "your team", "all": "the whole company"}[
    viewer.scope_kind
]
st.title("Overview")
st.caption(f"{period.label} · {scope_label} · amounts in USD")

figures = loaders.kpis(viewer, period, filters, today)
goal = loaders.goal_total(viewer, period, filters)
due = loaders.open_due(viewer, period, filters)
cover = metrics.coverage(due, goal, figures["bookings"])

columns = st.columns(6)
columns[0].metric(
    "Bookings",
    money(figures["bookings"]),
    delta=f"{figures['bookings'] / goal:.0%} of goal {money(goal)}" if goal else "no goal set",
    delta_color="off" if not goal else "normal" if figures["bookings"] >= goal else "inverse",
    help=metrics.METRIC_DEFINITIONS["Bookings"],
)
columns[1].metric(
    "Win rate",
    percent(figures["win_rate"]),
    delta=f"{figures['won']} won · {figures['lost']} lost",
    delta_color="off",
    help=metrics.METRIC_DEFINITIONS["Win rate (count)"],
)
columns[2].metric(
    "Open pipeline",
    money(figures["open_pipeline"]),
    delta=f"{figures['open']} open deals",
    delta_color="off",
    help=metrics.METRIC_DEFINITIONS["Open pipeline"],
)
columns[3].metric(
    "Weighted pipeline",
    money(figures["weighted_pipeline"]),
    help=metrics.METRIC_DEFINITIONS["Weighted pipeline"],
)
columns[4].metric(
    "Coverage",
    "–" if cover is None else f"{cover:.1f}×",
    delta=f"{money(due)} due in period",
    delta_color="off",
    help=metrics.METRIC_DEFINITIONS["Coverage"],
)
columns[5].metric(
    "Avg deal · cycle",
    money(figures["avg_deal_size"]),
    delta="–"
    if figures["cycle_days_median"] is None
    else f"{figures['cycle_days_median']:.0f} days median",
    delta_color="off",
    help=metrics.METRIC_DEFINITIONS["Sales cycle"],
)

trend_period = (
    metrics.Period(metrics.add_months(period.end or today, -12), period.end)
    if period.end
    else period
)
left, right = st.columns([3, 2])
with left:
    trend = loaders.bookings_vs_goal(viewer, trend_period, filters)
    st.plotly_chart(bookings_vs_goal_chart(trend), key="overview_trend_chart")
with right:
    stages = loaders.pipeline_by_stage(viewer, filters)
    st.plotly_chart(pipeline_by_stage_chart(stages), key="overview_stage_chart")

level = "team" if viewer.scope_kind == "all" else "rep"
unit_label = "team" if level == "team" else "rep"
units = loaders.attainment(viewer, period, level, filters)
st.subheader(f"Attainment by {unit_label}")
if units["goal"].notna().any() and period.start and period.end:
    elapsed = metrics.elapsed_share(period, today)
    st.plotly_chart(
        attainment_chart(units, unit_label, elapsed if 0 < elapsed < 1 else None),
        key="overview_attainment_chart",
    )
attainment_table = units.drop(columns=["unit_id"] + (["team_name"] if level == "team" else []))
table(
    attainment_table.rename(
        columns={
            "unit_name": unit_label.capitalize(),
            "team_name": "Team",
            "won": "Won deals",
            "bookings": "Bookings",
            "goal": "Goal",
            "attainment": "Attainment",
        }
    ),
    "overview_attainment",
    f"attainment_by_{unit_label}_{period.label}",
    column_config={
        "Bookings": st.column_config.NumberColumn(format="dollar"),
        "Goal": st.column_config.NumberColumn(format="dollar"),
        "Attainment": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1.5),
    },
)

with st.expander("Trend by month (table)"):
    table(trend, "overview_trend", "bookings_by_month")
with st.expander("Pipeline by stage (table)"):
    table(stages, "overview_stages", "pipeline_by_stage")

st.subheader("Deals behind the figures")
kind_labels = {
    "won": "Won in period",
    "lost": "Lost in period",
    "open": "Open now",
    "created": "Created in period",
}
kind = (
    st.segmented_control(
        "Show",
        list(kind_labels),
        format_func=kind_labels.get,
        default="won",
        key="overview_deal_kind",
    )
    or "won"
)
deals = loaders.deal_list(viewer, kind, period, filters)
if len(deals) >= 5000:
    st.caption("The 5,000 largest deals are shown; narrow the filters to see the rest.")
table(
    deals,
    "overview_deals",
    f"deals_{kind}_{period.label}",
    column_config={"amount": st.column_config.NumberColumn("Amount", format="dollar")},
)
