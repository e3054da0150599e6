"""Cached reads for the compensation pages (writes call loaders.clear_caches), and the small
pieces those pages share: the quarter picker and money formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.compensation import payroll as comp_payroll
from dashboard.compensation import plans as comp_plans
from dashboard.compensation import recognition as comp_recognition
from dashboard.compensation import statements as comp_statements
from dashboard.compensation import whatif as comp_whatif
from dashboard.compensation.common import next_quarter, previous_quarter, quarter_of
from dashboard.compensation.engine import PlanTerms, format_money
from dashboard.metrics import Period
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database

QUARTERS_BACK = 8


@st.cache_data(ttl=TTL, show_spinner=False)
def closed_periods() -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_statements.list_closed_periods(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def first_open_quarter() -> Period | None:
    with get_database().reading() as cur:
        return comp_statements.first_open_quarter(cur)


@st.cache_data(ttl=TTL, show_spinner="Computing statements…")
def statements(viewer: auth.Viewer, quarter: Period) -> list[comp_statements.Statement]:
    with get_database().reading() as cur:
        return comp_statements.compute_statements(cur, viewer, quarter)


@st.cache_data(ttl=TTL, show_spinner=False)
def disputes(viewer: auth.Viewer, quarter: Period | None, rep_id: int | None) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_statements.list_disputes(cur, viewer, quarter, rep_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def plans(viewer: auth.Viewer, quarter: Period) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_plans.list_plans(cur, viewer, quarter)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_versions(viewer: auth.Viewer, plan_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_plans.list_plan_versions(cur, viewer, plan_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_terms(plan_id: int, version: int | None = None) -> PlanTerms:
    with get_database().reading() as cur:
        return comp_plans.load_terms(cur, plan_id, version)


@st.cache_data(ttl=TTL, show_spinner=False)
def products() -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_plans.list_products(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def assignments(viewer: auth.Viewer, quarter: Period) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_plans.list_assignments(cur, viewer, quarter)


@st.cache_data(ttl=TTL, show_spinner=False)
def default_quotas(viewer: auth.Viewer, quarter: Period) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_plans.default_quotas(cur, viewer, quarter)


@st.cache_data(ttl=TTL, show_spinner="Running the what-if…")
def what_if(
    viewer: auth.Viewer,
    plan_id: int,
    scenario: PlanTerms,
    quota_change_pct: Decimal,
    population: str,
    today: dt.date,
) -> comp_whatif.WhatIf:
    with get_database().reading() as cur:
        return comp_whatif.run_what_if(
            cur, viewer, plan_id, scenario, quota_change_pct, population, today
        )


@st.cache_data(ttl=TTL, show_spinner=False)
def club_threshold() -> Decimal:
    with get_database().reading() as cur:
        return comp_recognition.get_club_threshold(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def leaderboard(viewer: auth.Viewer, quarter: Period, club_pct: Decimal) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_recognition.load_leaderboard(cur, viewer, quarter, club_pct)


@st.cache_data(ttl=TTL, show_spinner=False)
def activity_stats(
    viewer: auth.Viewer, quarter: Period, today: dt.date, rep_id: int | None
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_recognition.load_activity_stats(cur, viewer, quarter, today, rep_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def activity_weeks(viewer: auth.Viewer, quarter: Period, rep_id: int | None) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_recognition.load_activity_weeks(cur, viewer, quarter, rep_id)


@st.cache_data(ttl=TTL, show_spinner="Building the payroll…")
def payroll(viewer: auth.Viewer, quarter: Period) -> pd.DataFrame:
    with get_database().reading() as cur:
        return comp_payroll.build_payroll(cur, viewer, quarter)


# Page pieces -----------------------------------------------------------------------------


def quarter_options(today: dt.date, ahead: int = 1) -> list[Period]:
    """Quarters to choose from: `ahead` quarters after today's, today's, and eight before."""
    current = quarter_of(today)
    quarters = [current]
    for _ in range(QUARTERS_BACK):
        quarters.append(previous_quarter(quarters[-1]))
    upcoming = current
    for _ in range(ahead):
        upcoming = next_quarter(upcoming)
        quarters.insert(0, upcoming)
    return quarters


def quarter_picker(key: str, today: dt.date, ahead: int = 1, sidebar: bool = True) -> Period:
    """A quarter select box labelled with each quarter's state (closed, current, upcoming)."""
    quarters = quarter_options(today, ahead)
    closed = set(closed_periods()["period_start"].tolist())
    current = quarter_of(today)

    def label(quarter: Period) -> str:
        if quarter.start in closed:
            return f"{quarter.label} · closed"
        if quarter.start == current.start:
            return f"{quarter.label} · current"
        if quarter.start > current.start:
            return f"{quarter.label} · upcoming"
        return f"{quarter.label} · open"

    place = st.sidebar if sidebar else st
    return place.selectbox(
        "Quarter", quarters, index=quarters.index(current), format_func=label, key=f"{key}_quarter"
    )


def money_text(value: Decimal | None) -> str:
    """$1,234.56 for a Decimal amount (– when missing)."""
    return format_money(value)


def money_short(value: Decimal | None) -> str:
    """$1.26M / $365.9k / $950 for a metric tile (the exact amount goes in its help)."""
    if value is None:
        return "–"
    amount = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(amount) >= limit:
            return f"{'-' if amount < 0 else ''}${abs(amount) / limit:,.2f}{suffix}"
    return format_money(value)


def exactly(value: Decimal | None) -> str:
    """Help text with the exact amount of a metric tile."""
    return f"Exactly {format_money(value)}."


def percent_text(value: Decimal | float | None) -> str:
    """12.3% for a fraction (– when missing)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{float(value):.1%}"


def as_floats(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with Decimal columns as floats, for charts only (money stays Decimal elsewhere)."""
    shown = frame.copy()
    for column in columns:
        shown[column] = pd.to_numeric(shown[column].map(lambda v: None if v is None else float(v)))
    return shown
