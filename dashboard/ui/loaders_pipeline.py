"""Reads for the Pipeline and Deal pages. Lists and boards are cached (writes clear them with
loaders.clear_caches); a single deal and its history are read fresh, so an edit starts from
the deal's current version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import auth, pipeline
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database


@st.cache_data(ttl=TTL, show_spinner=False)
def board(viewer: auth.Viewer, filters: pipeline.PipelineFilter, per_stage: int) -> pipeline.Board:
    with get_database().reading() as cur:
        return pipeline.load_board(cur, viewer, filters, per_stage)


@st.cache_data(ttl=TTL, show_spinner=False)
def deal_page(
    viewer: auth.Viewer,
    filters: pipeline.PipelineFilter,
    status: str,
    sort: str,
    page: int,
    page_size: int,
) -> pipeline.DealPage:
    with get_database().reading() as cur:
        return pipeline.list_deals(cur, viewer, filters, status, sort, page, page_size)


@st.cache_data(ttl=TTL, show_spinner=False)
def stages() -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.list_stages(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def lead_sources(viewer: auth.Viewer) -> list[str]:
    with get_database().reading() as cur:
        return pipeline.list_lead_sources(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def loss_reasons(viewer: auth.Viewer) -> list[str]:
    with get_database().reading() as cur:
        return pipeline.list_loss_reasons(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def accounts(viewer: auth.Viewer, search_text: str) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.list_accounts(cur, viewer, search_text)


@st.cache_data(ttl=TTL, show_spinner=False)
def currencies() -> list[str]:
    with get_database().reading() as cur:
        return pipeline.list_currencies(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def overdue_follow_ups(viewer: auth.Viewer, today: dt.date) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.list_overdue_follow_ups(cur, viewer, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def feedback_summary(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.summarise_feedback(cur, viewer)


def deal(viewer: auth.Viewer, opportunity_id: int) -> dict[str, Any]:
    """The deal as it is now (not cached: edits start from the current version)."""
    with get_database().reading() as cur:
        return pipeline.load_deal(cur, viewer, opportunity_id)


def timeline(viewer: auth.Viewer, opportunity_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.load_timeline(cur, viewer, opportunity_id)


def activities(viewer: auth.Viewer, opportunity_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.list_activities(cur, viewer, opportunity_id)


def feedback(viewer: auth.Viewer, opportunity_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return pipeline.list_feedback(cur, viewer, opportunity_id)
