"""Cached loaders for the Funnel, Territory and Forecast pages (writes clear them).

Before reading the derived deal history (deal_spans, deal_facts and the other tables
funnel.refresh_history keeps), the loaders fold in any new events and orders (in a write
transaction; when the history is current, a few tiny queries tell and nothing is written).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, forecast, funnel, territory
from dashboard.metrics import DealFilter, Period
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database


def ensure_history() -> None:
    """Fold new deal events into the derived history when there are any."""
    db = get_database()
    with db.reading() as cur:
        if funnel.history_is_current(cur):
            return
    with db.transaction() as cur:
        funnel.refresh_history(cur)


# --------------------------------------------------------------------------- funnel


@st.cache_data(ttl=TTL, show_spinner=False)
def funnel_stages(
    viewer: auth.Viewer,
    period: Period,
    filters: DealFilter,
    slice_by: str,
    cohort: str,
    compare: Period | None,
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.load_funnel(cur, viewer, period, filters, slice_by, cohort, compare)


@st.cache_data(ttl=TTL, show_spinner=False)
def funnel_outcomes(
    viewer: auth.Viewer,
    period: Period,
    filters: DealFilter,
    slice_by: str,
    compare: Period | None,
    now: dt.datetime,
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.load_outcomes(cur, viewer, period, filters, slice_by, compare, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def funnel_deals(
    viewer: auth.Viewer,
    period: Period,
    stage_order: int,
    kind: str,
    filters: DealFilter,
    slice_by: str,
    slice_key: str | None,
    cohort: str,
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return funnel.list_funnel_deals(
            cur, viewer, period, stage_order, kind, filters, slice_by, slice_key, cohort
        )


@st.cache_data(ttl=TTL, show_spinner=False)
def time_in_stage(
    viewer: auth.Viewer, period: Period, filters: DealFilter, now: dt.datetime
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.load_time_in_stage(cur, viewer, period, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def stage_stays(
    viewer: auth.Viewer,
    period: Period,
    stage_id: int,
    state: str,
    filters: DealFilter,
    now: dt.datetime,
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.list_stage_stays(cur, viewer, period, stage_id, state, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def pipeline_as_of(viewer: auth.Viewer, day: dt.date, filters: DealFilter) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.load_pipeline_as_of(cur, viewer, day, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def pipeline_as_of_deals(
    viewer: auth.Viewer, day: dt.date, stage_id: int | None, filters: DealFilter
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.list_pipeline_as_of(cur, viewer, day, stage_id, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def waterfall(
    viewer: auth.Viewer,
    first_day: dt.date,
    last_day: dt.date,
    window: Period | None,
    filters: DealFilter,
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.load_waterfall(cur, viewer, first_day, last_day, window, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def waterfall_deals(
    viewer: auth.Viewer,
    first_day: dt.date,
    last_day: dt.date,
    step: str,
    window: Period | None,
    filters: DealFilter,
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return funnel.list_waterfall_deals(cur, viewer, first_day, last_day, step, window, filters)


# --------------------------------------------------------------------------- territory


@st.cache_data(ttl=TTL, show_spinner=False)
def territories(
    viewer: auth.Viewer, period: Period, filters: DealFilter, today: dt.date
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return territory.load_territories(cur, viewer, period, filters, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def rep_workload(viewer: auth.Viewer, period: Period, filters: DealFilter) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return territory.load_rep_workload(cur, viewer, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def territory_deals(
    viewer: auth.Viewer, territory_id: int, kind: str, period: Period, filters: DealFilter
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.list_territory_deals(cur, viewer, territory_id, kind, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def territory_rules(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.list_rules(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def rule_moves(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.propose_rule_moves(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def reassignment_preview(
    viewer: auth.Viewer, moves: tuple[territory.Move, ...], period: Period
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.preview_reassignment(cur, viewer, list(moves), period)


@st.cache_data(ttl=TTL, show_spinner=False)
def reassignments(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.list_reassignments(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def accounts(viewer: auth.Viewer, territory_id: int | None) -> pd.DataFrame:
    with get_database().reading() as cur:
        return territory.list_accounts(cur, viewer, territory_id)


# --------------------------------------------------------------------------- forecast


@st.cache_data(ttl=TTL, show_spinner=False)
def forecast_units(
    viewer: auth.Viewer, period: Period, filters: DealFilter, now: dt.datetime
) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return forecast.load_forecast(cur, viewer, period, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def stage_rates(viewer: auth.Viewer, filters: DealFilter, now: dt.datetime) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return forecast.load_stage_rates(cur, viewer, filters, now)


@st.cache_data(ttl=TTL, show_spinner=False)
def forecast_history(viewer: auth.Viewer, today: dt.date, filters: DealFilter) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return forecast.load_history(cur, viewer, today, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def submissions(
    viewer: auth.Viewer, scope: forecast.SubmissionScope, since: dt.date, until: dt.date
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return forecast.list_submissions(cur, viewer, scope, since, until)


@st.cache_data(ttl=TTL, show_spinner=False)
def gap_explanation(
    viewer: auth.Viewer,
    period: Period,
    filters: DealFilter,
    goal: float | None,
    units: pd.DataFrame,
) -> dict:
    ensure_history()
    with get_database().reading() as cur:
        return forecast.explain_gap(cur, viewer, period, filters, goal, units)


@st.cache_data(ttl=TTL, show_spinner=False)
def what_works(viewer: auth.Viewer, period: Period, filters: DealFilter) -> pd.DataFrame:
    ensure_history()
    with get_database().reading() as cur:
        return forecast.load_what_works(cur, viewer, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def activity_conversion(viewer: auth.Viewer, period: Period, filters: DealFilter) -> pd.DataFrame:
    with get_database().reading() as cur:
        return forecast.load_activity_conversion(cur, viewer, period, filters)
