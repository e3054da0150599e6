"""What-if: change a plan's rates, bands, cap or quotas and see what its reps would be paid on
last quarter's and this quarter's data, next to what the current plans pay."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard.compensation import plans as comp
from dashboard.compensation.common import quarter_of
from dashboard.compensation.engine import plan_problems
from dashboard.compensation.whatif import POPULATIONS
from dashboard.errors import DomainError
from dashboard.ui import loaders_compensation as lc
from dashboard.ui.charts_compensation import (
    pay_curve_chart,
    whatif_by_rep_chart,
    whatif_distribution_chart,
)
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
today = dt.date.today()

st.title("What-if")
st.caption(
    "Pay (commission + SPIFFs) under changed terms, on last quarter's and this quarter's "
    "data, next to what the current plans pay. Clawbacks, corrections and draws are left out "
    "of both sides. Nothing here is saved."
)

plans = lc.plans(viewer, quarter_of(today))
if plans.empty:
    st.info("There is no compensation plan to start from yet.")
    st.stop()

names = {int(row.plan_id): f"{row.plan_name} (v{row.version})" for row in plans.itertuples()}
st.sidebar.header("Scenario")
plan_id = st.sidebar.selectbox(
    "Start from plan", list(names), format_func=names.get, key="comp_whatif_plan"
)
population = st.sidebar.radio(
    "Reps", list(POPULATIONS), format_func=POPULATIONS.get, key="comp_whatif_population"
)
base = lc.plan_terms(plan_id)
key = f"comp_whatif_{plan_id}"
incentive = st.sidebar.number_input(
    "Target incentive per quarter ($)",
    min_value=0.0,
    value=float(base.target_incentive),
    step=500.0,
    key=f"{key}_incentive",
)
has_cap = st.sidebar.checkbox("Cap", value=base.cap_multiple is not None, key=f"{key}_has_cap")
cap = st.sidebar.number_input(
    "Cap (× target incentive)",
    value=float(base.cap_multiple) if base.cap_multiple else 3.0,
    step=0.25,
    disabled=not has_cap,
    key=f"{key}_cap",
)
quota_change = st.sidebar.slider(
    "Change every quota by (%)", -50, 100, 0, step=5, key=f"{key}_quota_change"
)

st.markdown("**Rate table of the scenario** (edit rates or bands)")
bands_frame = st.data_editor(
    pd.DataFrame(
        [
            {
                "floor_pct": float(band.floor_pct),
                "ceiling_pct": None if band.ceiling_pct is None else float(band.ceiling_pct),
                "rate": float(band.rate),
            }
            for band in base.bands
        ],
        columns=["floor_pct", "ceiling_pct", "rate"],
    ),
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "floor_pct": st.column_config.NumberColumn("From (% of quota)", min_value=0.0),
        "ceiling_pct": st.column_config.NumberColumn("To (% of quota, empty = no end)"),
        "rate": st.column_config.NumberColumn("Rate (× target incentive per 100%)"),
    },
    key=f"{key}_bands",
)

try:
    scenario = replace(
        comp.build_terms(
            base.name,
            base.measure,
            incentive,
            comp.bands_from_rows(bands_frame.to_dict("records")),
            cap if has_cap else None,
            base.clawback_days,
            base.draw_amount,
            base.draw_is_recoverable,
            base.spiffs,
        ),
        plan_id=base.plan_id,
        version=None,
    )
    problems = plan_problems(scenario)
except DomainError as error:
    scenario, problems = None, [str(error)]
if problems:
    st.warning("Fix the scenario first:\n\n" + "\n".join(f"- {p}" for p in problems))
    st.stop()

st.plotly_chart(
    pay_curve_chart(
        scenario,
        scenario.target_incentive,
        compare=base,
        names=("Scenario", f"Current: {base.label}"),
        title="Pay curve: the scenario vs the current version (dashed)",
    ),
    key="comp_whatif_curve",
)

try:
    result = lc.what_if(viewer, plan_id, scenario, Decimal(quota_change), population, today)
except DomainError as error:
    st.error(str(error))
    st.stop()

if result.rows.empty:
    st.info("No rep in your scope is on this plan last quarter or this quarter.")
    st.stop()

for quarter in result.summary["Quarter"]:
    row = result.summary[result.summary["Quarter"] == quarter].iloc[0]
    st.subheader(quarter)
    columns = st.columns(5)
    columns[0].metric("Reps", int(row["Reps"]))
    columns[1].metric(
        "Current pay", lc.money_short(row["Current pay"]), help=lc.exactly(row["Current pay"])
    )
    columns[2].metric(
        "Scenario pay",
        lc.money_short(row["Scenario pay"]),
        help=lc.exactly(row["Scenario pay"]),
        delta=f"{lc.money_short(row['Change'])}"
        + ("" if row["Change %"] is None else f" ({row['Change %']:+}%)"),
        delta_color="inverse",
    )
    columns[3].metric(
        "Cost of sales",
        "–" if row["Scenario cost of sales %"] is None else f"{row['Scenario cost of sales %']}%",
        delta="–"
        if row["Current cost of sales %"] is None
        else f"now {row['Current cost of sales %']}%",
        delta_color="off",
        help="Pay / credited amount (bookings, invoiced revenue or margin).",
    )
    columns[4].metric(
        "At 100%+ · capped",
        f"{int(row['Reps at 100%+ (scenario)'])} · {int(row['Reps capped (scenario)'])}",
    )
    left, right = st.columns([3, 2])
    left.plotly_chart(whatif_by_rep_chart(result.rows, quarter), key=f"comp_whatif_reps_{quarter}")
    right.plotly_chart(
        whatif_distribution_chart(result.rows, quarter), key=f"comp_whatif_spread_{quarter}"
    )

st.subheader("Per rep")
table(
    result.rows.drop(columns=["rep_id"]),
    "comp_whatif_rows",
    "what_if",
    column_config={
        **{
            name: st.column_config.NumberColumn(name, format="dollar")
            for name in (
                "Quota",
                "Scenario quota",
                "Credited",
                "Current pay",
                "Scenario pay",
                "Change",
            )
        },
        "Attainment": st.column_config.NumberColumn(format="percent"),
        "Scenario attainment": st.column_config.NumberColumn(format="percent"),
    },
)
with st.expander("Totals by quarter (table)"):
    table(result.summary, "comp_whatif_summary", "what_if_summary")
