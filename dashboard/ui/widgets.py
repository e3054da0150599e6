"""Reusable page pieces: sidebar filters, downloadable tables, metric formatting."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, export, metrics
from dashboard.ui import loaders


def money(value: float | None) -> str:
    if value is None:
        return "–"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:,.2f}{suffix}"
    return f"${value:,.0f}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def period_picker(key: str, today: dt.date) -> metrics.Period:
    """Sidebar choice of period: recent quarters, year to date, last 12 months, or a range."""
    quarters = metrics.quarters_back(today, 8)
    options = [q.label for q in quarters] + ["Year to date", "Last 12 months", "Custom range"]
    choice = st.sidebar.selectbox("Period", options, key=f"{key}_period")
    if choice in [q.label for q in quarters]:
        return quarters[[q.label for q in quarters].index(choice)]
    if choice == "Year to date":
        return metrics.Period(dt.date(today.year, 1, 1), metrics.Period.quarter_of(today).end)
    if choice == "Last 12 months":
        this_month = dt.date(today.year, today.month, 1)
        return metrics.Period(
            metrics.add_months(this_month, -11), metrics.add_months(this_month, 1)
        )
    picked = st.sidebar.date_input(
        "From – to",
        value=(dt.date(today.year, 1, 1), today),
        key=f"{key}_range",
        format="YYYY-MM-DD",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.sidebar.info("Pick the last day too.")
        st.stop()
    return metrics.Period.from_inclusive(picked[0], picked[1])


def deal_filters(key: str, viewer: auth.Viewer) -> metrics.DealFilter:
    """Sidebar filters for team (within the viewer's scope), territory and product."""
    options = loaders.filter_options(viewer)

    def pick(kind: str, label: str) -> int | None:
        rows = options[options["kind"] == kind]
        labels = {
            int(row.id): "\u2003" * int(row.depth) + str(row.label) for row in rows.itertuples()
        }
        choice = st.sidebar.selectbox(
            label,
            [None, *labels],
            format_func=lambda value: "All" if value is None else labels[value],
            key=f"{key}_{kind}",
        )
        return choice

    return metrics.DealFilter(
        team_id=pick("team", "Team") if viewer.scope_kind != "rep" else None,
        territory_id=pick("territory", "Territory"),
        product_id=pick("product", "Product"),
    )


def table(frame: pd.DataFrame, key: str, file_name: str, **dataframe_args) -> None:
    """A table with CSV and XLSX downloads of exactly what it shows."""
    st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}_table", **dataframe_args)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Download CSV",
        export.to_csv_bytes(frame),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )
    right.download_button(
        "Download XLSX",
        export.to_xlsx_bytes(frame, file_name),
        file_name=f"{file_name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
    )
