"""Payroll: the salary settlement of a quarter per rep (base + commission + SPIFFs - clawbacks
+ adjustments + draw advance - draws recovered), to download as CSV or XLSX."""

import datetime as dt

import streamlit as st

from dashboard.compensation.payroll import payroll_totals
from dashboard.ui import loaders_compensation as lc
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
today = dt.date.today()

st.sidebar.header("Payroll")
quarter = lc.quarter_picker("payroll", today, ahead=0)
closed = quarter.start in set(lc.closed_periods()["period_start"].tolist())

st.title("Payroll")
st.caption(
    f"{quarter.label} · "
    + (
        "closed: final figures from the frozen statements"
        if closed
        else "open: provisional figures, final when the quarter is closed"
    )
    + " · download it below the table · Total pay = Base salary + Commission + SPIFFs - Clawbacks + Adjustments "
    "+ Draw advance - Draws recovered"
)

frame = lc.payroll(viewer, quarter)
totals = payroll_totals(frame)
columns = st.columns(5)
columns[0].metric("Reps", len(frame))
for column, name in zip(
    columns[1:], ("Base salary", "Variable pay", "Clawbacks", "Total pay"), strict=True
):
    column.metric(name, lc.money_short(totals[name]), help=lc.exactly(totals[name]))
if not closed:
    st.warning(
        f"{quarter.label} is not closed: these figures can still change. Close it on the "
        "Statements page before paying."
    )

table(
    frame,
    "payroll_table",
    f"payroll_{quarter.label}",
    column_config={
        name: st.column_config.NumberColumn(name, format="dollar")
        for name in (
            "Base salary",
            "Commission",
            "SPIFFs",
            "Clawbacks",
            "Adjustments",
            "Draw advance",
            "Draws recovered",
            "Variable pay",
            "Total pay",
        )
    },
)
