"""Forecast: weighted pipeline and forecast categories, forecast submissions, forecast vs goal
vs actual with accuracy, deviation alerts with the explanation of the gap, what works."""

import datetime as dt

import streamlit as st

from dashboard import forecast, metrics
from dashboard.errors import DomainError
from dashboard.ui import loaders
from dashboard.ui import loaders_analytics as analytics
from dashboard.ui.charts_analytics import (
    contribution_chart,
    forecast_categories_chart,
    forecast_history_chart,
    gap_bridge_chart,
)
from dashboard.ui.session import get_database, require_viewer
from dashboard.ui.widgets import deal_filters, money, percent, period_picker, table

db, viewer = require_viewer(__file__)
today = dt.date.today()
now = dt.datetime.combine(today, dt.time(23, 59, 59))

st.sidebar.header("Filters")
period = period_picker("forecast", today)
filters = deal_filters("forecast", viewer)
threshold = (
    st.sidebar.slider(
        "Alert when off plan by more than",
        5,
        50,
        10,
        step=5,
        key="forecast_threshold",
        format="%d%%",
    )
    / 100
)

st.title("Forecast")
st.caption(f"{period.label} · amounts in USD")
if period.start is None or period.end is None:
    st.error("Choose a period with a first and a last day.")
    st.stop()

try:
    units = analytics.forecast_units(viewer, period, filters, now)
except DomainError as error:
    st.error(str(error))
    st.stop()
total = units[units["unit_level"] == "total"].iloc[0]
goal = None if total.isna()["goal"] else float(total["goal"])

cards = st.columns(6)
cards[0].metric(
    "Closed",
    money(total.bookings),
    help=forecast.FORECAST_DEFINITIONS["Closed"],
    delta=f"{percent(total.attainment)} of goal {money(goal)}" if goal else "no goal",
    delta_color="off",
)
cards[1].metric("Commit", money(total.commit_amount), help=forecast.FORECAST_DEFINITIONS["Commit"])
cards[2].metric(
    "Best case", money(total.best_case_amount), help=forecast.FORECAST_DEFINITIONS["Best case"]
)
cards[3].metric(
    "Weighted forecast",
    money(total.weighted_forecast),
    help=forecast.FORECAST_DEFINITIONS["Weighted forecast"],
)
cards[4].metric(
    "Historical forecast",
    money(total.historical_forecast),
    help=forecast.FORECAST_DEFINITIONS["Historical forecast"],
)
cards[5].metric("Goal", money(goal), help="The bookings goal of what is in view.")

alerts = forecast.deviation_alerts(units, period, today, threshold)
st.subheader("Deviation alerts")
if alerts.empty:
    st.success(f"Nothing in view is off plan by more than {threshold:.0%}.")
else:
    below = alerts[alerts["severity"] == "below"]
    for message in below["message"].head(5):
        st.warning(message, icon=":material/trending_down:")
    for message in alerts[alerts["severity"] == "above"]["message"].head(3):
        st.info(message, icon=":material/trending_up:")
    with st.expander(f"All {len(alerts)} alerts"):
        table(
            alerts,
            "forecast_alerts",
            f"alerts_{period.label}",
            column_config={
                column: st.column_config.NumberColumn(format="dollar")
                for column in ("goal", "bookings", "expected_by_now", "weighted_forecast")
            },
        )

left, right = st.columns(2)
with left:
    st.plotly_chart(forecast_categories_chart(total), key="forecast_categories_chart")
with right:
    history = analytics.forecast_history(viewer, today, filters)
    st.plotly_chart(forecast_history_chart(history), key="forecast_history_chart")

money_format = st.column_config.NumberColumn(format="dollar")
st.subheader("Forecast by team and rep")
table(
    units.drop(columns=["unit_id"]),
    "forecast_units",
    f"forecast_{period.label}",
    column_config={
        **{
            column: money_format
            for column in units.columns
            if column.endswith(("_amount", "forecast", "wins")) or column in ("bookings", "goal")
        },
        "attainment": st.column_config.NumberColumn(format="percent"),
    },
)

st.subheader("Forecast accuracy")
table(
    history,
    "forecast_history",
    "forecast_history",
    column_config={
        **{
            column: money_format
            for column in (
                "goal",
                "actual",
                "weighted_at_start",
                "commit_at_start",
                "open_at_start",
                "submitted",
            )
        },
        **{
            column: st.column_config.NumberColumn(format="percent")
            for column in history.columns
            if column.endswith("_accuracy")
        },
    },
)
st.caption(forecast.FORECAST_DEFINITIONS["Accuracy"])

st.subheader("Submit a forecast")
scope = forecast.submission_scope(viewer, filters)
scope_label = {"company": "the company", "team": "the team", "rep": "the rep"}[scope.kind]
if viewer.role in forecast.SUBMITTERS:
    with st.form("forecast_submit_form"):
        st.markdown(f"Your call for **{period.label}**, for {scope_label} in view.")
        inputs = st.columns(2)
        call = inputs[0].number_input(
            "Forecast",
            min_value=0.0,
            value=float(round(total.weighted_forecast, -3)),
            step=1000.0,
            key="forecast_amount",
        )
        best = inputs[1].number_input(
            "Best case",
            min_value=0.0,
            value=float(round(total.best_case_forecast, -3)),
            step=1000.0,
            key="forecast_best_case",
        )
        note = st.text_input("Note", key="forecast_note")
        if st.form_submit_button("Submit forecast", type="primary"):
            try:
                with get_database().transaction() as cur:
                    submission_id = forecast.submit_forecast(
                        cur, viewer, period, scope, call, best, note
                    )
            except DomainError as error:
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.success(
                    f"Forecast {submission_id} submitted with today's figures as a snapshot."
                )
submitted = analytics.submissions(
    viewer, scope, metrics.add_months(period.start, -12), metrics.add_months(period.end, 12)
)
table(
    submitted,
    "forecast_submissions",
    "forecast_submissions",
    column_config={
        column: money_format for column in submitted.columns if column.endswith("_amount")
    },
)

st.subheader("What explains the gap")
explanation = analytics.gap_explanation(viewer, period, filters, goal, units)
effects = explanation["effects"]
if not effects["available"]:
    st.info(f"No bookings in {explanation['base_label']} to compare with.")
else:
    base_name = "the goal" if goal else explanation["base_label"]
    st.markdown(
        f"Bookings {money(effects['actual'])} against {base_name} {money(effects['base'])}: "
        f"volume {money(effects['volume'])}, mix {money(effects['mix'])}, deal size "
        f"{money(effects['size'])}, discount {money(effects['discount'])}. "
        f"The base is {explanation['base_label']} scaled to the goal."
    )
    st.plotly_chart(
        gap_bridge_chart(effects, explanation["base_label"]), key="forecast_bridge_chart"
    )
    table(
        effects["products"],
        "forecast_products",
        f"gap_products_{period.label}",
        column_config={
            column: money_format
            for column in effects["products"].columns
            if "effect" in column or "bookings" in column or "price" in column or column == "gap"
        },
    )
parts = st.columns(2)
contributions = explanation["contributions"]
with parts[0]:
    st.plotly_chart(
        contribution_chart(contributions["territory"], "By territory"), key="forecast_territory_gap"
    )
    if "rep" in contributions:
        st.plotly_chart(
            contribution_chart(contributions["rep"], "By rep (bookings - goal)"),
            key="forecast_rep_gap",
        )
with parts[1]:
    st.plotly_chart(
        contribution_chart(contributions["source"], "By lead source"), key="forecast_source_gap"
    )
    stage_effects = explanation["stages"]
    if not stage_effects.empty:
        st.plotly_chart(
            contribution_chart(
                stage_effects.rename(columns={"factor": "key", "effect": "gap"}),
                "By funnel stage (conversion of closed deals)",
            ),
            key="forecast_stage_gap",
        )
with st.expander("Contributions (tables)"):
    for name, frame in contributions.items():
        table(frame, f"forecast_gap_{name}", f"gap_by_{name}_{period.label}")
    table(stage_effects, "forecast_gap_stages", f"gap_by_stage_{period.label}")

fulfilment = explanation["fulfilment"]
st.subheader("Returns and late deliveries")
if fulfilment.empty:
    st.info("No orders in this period.")
else:
    orders, late = int(fulfilment["orders"].sum()), int(fulfilment["late"].sum())
    delivered = late + int(fulfilment["on_time"].sum())
    returned = float(fulfilment["return_amount"].sum())
    st.markdown(
        f"{orders:,} orders; {late:,} of {delivered:,} delivered late "
        f"({percent(late / delivered if delivered else None)}); returns {money(returned)} "
        f"({percent(returned / float(fulfilment['order_value'].sum()) if orders else None)} "
        "of order value)."
    )
    table(
        fulfilment,
        "forecast_fulfilment",
        f"fulfilment_{period.label}",
        column_config={"order_value": money_format, "return_amount": money_format},
    )

st.subheader("What is working")
works = analytics.what_works(viewer, period, filters)
cols = st.columns(2)
for column, dimension, title in (
    (cols[0], "product", "Products"),
    (cols[1], "source", "Lead sources"),
):
    with column:
        st.markdown(f"**{title}, best win rate first**")
        table(
            works[works["dimension"] == dimension].drop(columns=["dimension"]),
            f"forecast_works_{dimension}",
            f"win_rate_by_{dimension}_{period.label}",
            column_config={
                "win_rate": st.column_config.NumberColumn(format="percent"),
                "win_rate_value": st.column_config.NumberColumn(format="percent"),
                "avg_won_amount": money_format,
            },
        )
if st.toggle(
    "Win rate by activity type (reads every activity; slower on large workspaces)",
    key="forecast_activity_toggle",
):
    table(
        analytics.activity_conversion(viewer, period, filters),
        "forecast_activities",
        f"win_rate_by_activity_{period.label}",
        column_config={
            "win_rate": st.column_config.NumberColumn(format="percent"),
            "baseline_win_rate": st.column_config.NumberColumn(format="percent"),
        },
    )
with st.expander("Definitions"):
    for name, text in forecast.FORECAST_DEFINITIONS.items():
        st.markdown(f"**{name}**: {text}")
