"""Cached read loaders: the pages' only way to figures. Writes clear them (clear_caches)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, metrics
from dashboard.config import get_settings
from dashboard.ui.session import get_database

TTL = get_settings().cache_ttl_seconds


def clear_caches() -> None:
    """Drop every cached figure (after any write)."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL, show_spinner=False)
def kpis(
    viewer: auth.Viewer, period: metrics.Period, filters: metrics.DealFilter, today: dt.date
) -> dict:
    with get_database().reading() as cur:
        return metrics.compute_kpis(cur, viewer, period, None, filters, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def goal_total(
    viewer: auth.Viewer, period: metrics.Period, filters: metrics.DealFilter
) -> float | None:
    with get_database().reading() as cur:
        return metrics.load_goal_total(cur, metrics.goal_scope(viewer, filters), period)


@st.cache_data(ttl=TTL, show_spinner=False)
def open_due(viewer: auth.Viewer, period: metrics.Period, filters: metrics.DealFilter) -> float:
    with get_database().reading() as cur:
        return metrics.load_open_due(cur, viewer, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def bookings_vs_goal(
    viewer: auth.Viewer, period: metrics.Period, filters: metrics.DealFilter
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return metrics.load_bookings_vs_goal(cur, viewer, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def pipeline_by_stage(viewer: auth.Viewer, filters: metrics.DealFilter) -> pd.DataFrame:
    with get_database().reading() as cur:
        return metrics.load_pipeline_by_stage(cur, viewer, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def attainment(
    viewer: auth.Viewer, period: metrics.Period, level: str, filters: metrics.DealFilter
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return metrics.load_attainment(cur, viewer, period, level, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def deal_list(
    viewer: auth.Viewer, kind: str, period: metrics.Period, filters: metrics.DealFilter
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return metrics.list_deals(cur, viewer, kind, period, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_options(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return metrics.load_filter_options(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def users() -> pd.DataFrame:
    with get_database().reading() as cur:
        return auth.list_users(cur)
