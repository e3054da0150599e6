"""Cached reads for the report pages. Writes call dashboard.ui.loaders.clear_caches()."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.reports import inputs, render, workflow
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database


@st.cache_data(ttl=TTL, show_spinner=False)
def packs(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return workflow.list_packs(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def pack(viewer: auth.Viewer, pack_id: int) -> workflow.ReportPack:
    with get_database().reading() as cur:
        return workflow.get_pack(cur, viewer, pack_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def pack_history(viewer: auth.Viewer, pack_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return workflow.list_pack_history(cur, viewer, pack_id)


@st.cache_data(ttl=TTL, show_spinner="Computing the pack's figures…")
def pack_figures(
    viewer: auth.Viewer, pack_id: int, status: str, snapshot_id: int | None, today: dt.date
) -> tuple[workflow.PackFigures, dict]:
    """The figures a pack shows and its description (status and snapshot key the cache)."""
    with get_database().reading() as cur:
        shown = workflow.load_pack_figures(cur, viewer, pack_id, today)
        meta = workflow.describe_pack(cur, viewer, workflow.get_pack(cur, viewer, pack_id), shown)
        return shown, meta


@st.cache_data(ttl=TTL, show_spinner=False)
def rendered(figures: dict, meta: dict, fmt: str) -> bytes:
    """A pack as XLSX, CSV or JSON bytes (quick formats; the PDF is made with a progress bar)."""
    return render.render(figures, meta, fmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def restatement(
    viewer: auth.Viewer, pack_id: int, snapshot_id: int, today: dt.date, changed_only: bool
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return workflow.restate_pack(cur, viewer, pack_id, today, changed_only)


@st.cache_data(ttl=TTL, show_spinner=False)
def scope_teams(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return workflow.list_scope_teams(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def partners(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return inputs.list_partners(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def deal_partners(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return inputs.list_deal_partners(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def spend(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return inputs.list_spend(cur, viewer)
