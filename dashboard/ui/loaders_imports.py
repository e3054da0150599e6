"""Cached reads for the Imports page (batch history, rejects, what was loaded, options)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.importing import batches, figures, mapping, planning
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database


@st.cache_data(ttl=TTL, show_spinner=False)
def batch_history(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return batches.list_batches(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def batch_rejects(viewer: auth.Viewer, batch_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return batches.list_rejects(cur, viewer, batch_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def batch_changes(viewer: auth.Viewer, batch_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return batches.list_batch_changes(cur, viewer, batch_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def loaded_orders(viewer: auth.Viewer, by: str, batch_id: int | None) -> pd.DataFrame:
    with get_database().reading() as cur:
        return figures.summarise_orders(cur, viewer, by, batch_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def loaded_deals(viewer: auth.Viewer, by: str, batch_id: int | None) -> pd.DataFrame:
    with get_database().reading() as cur:
        return figures.summarise_deals(cur, viewer, by, batch_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def profiles() -> pd.DataFrame:
    with get_database().reading() as cur:
        return mapping.list_profiles(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def stage_options() -> pd.DataFrame:
    with get_database().reading() as cur:
        return planning.list_stage_options(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def rep_options() -> pd.DataFrame:
    with get_database().reading() as cur:
        return planning.list_rep_options(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def team_options() -> pd.DataFrame:
    with get_database().reading() as cur:
        return planning.list_team_options(cur)
