"""Cached reads for the Goals and Plans pages. Writes clear them (loaders.clear_caches)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, capacity, goals, plans
from dashboard.ui.loaders import TTL
from dashboard.ui.session import get_database


@st.cache_data(ttl=TTL, show_spinner=False)
def fiscal_start() -> int:
    with get_database().reading() as cur:
        return goals.fiscal_year_start(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def all_scopes() -> pd.DataFrame:
    with get_database().reading() as cur:
        return goals.load_scopes(cur)


@st.cache_data(ttl=TTL, show_spinner=False)
def editable_scopes(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return goals.editable_scopes(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def viewable_scopes(viewer: auth.Viewer) -> pd.DataFrame:
    with get_database().reading() as cur:
        return goals.viewable_scopes(cur, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def goal_table(
    viewer: auth.Viewer, window: goals.GoalPeriod, metric: str, today: dt.date
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return goals.load_goals(cur, viewer, window, metric=metric, today=today)


@st.cache_data(ttl=TTL, show_spinner=False)
def goal_history(viewer: auth.Viewer, goal_ids: tuple[int, ...]) -> pd.DataFrame:
    with get_database().reading() as cur:
        return goals.load_goal_history(cur, viewer, goal_ids)


@st.cache_data(ttl=TTL, show_spinner=False)
def split_proposal(
    viewer: auth.Viewer, goal_id: int, method: str, sub_kind: str, today: dt.date
) -> goals.SplitProposal:
    with get_database().reading() as cur:
        return goals.propose_split(cur, viewer, goal_id, method, sub_kind, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_list(viewer: auth.Viewer, window: goals.GoalPeriod) -> pd.DataFrame:
    with get_database().reading() as cur:
        return plans.list_plans(cur, viewer, window)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_for(
    viewer: auth.Viewer, scope_kind: str, scope_id: int | None, period: goals.GoalPeriod
) -> plans.Plan | None:
    with get_database().reading() as cur:
        return plans.find_plan(cur, viewer, scope_kind, scope_id, period)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_versions(viewer: auth.Viewer, plan_id: int) -> pd.DataFrame:
    with get_database().reading() as cur:
        return plans.list_plan_versions(cur, viewer, plan_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def plan_diff(
    viewer: auth.Viewer, plan_id: int, old_version: int, new_version: int
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return plans.diff_plan_versions(cur, viewer, plan_id, old_version, new_version)


@st.cache_data(ttl=TTL, show_spinner=False)
def scope_goals(
    viewer: auth.Viewer, scope_kind: str, scope_id: int | None, period: goals.GoalPeriod
) -> pd.DataFrame:
    """Goals of exactly this scope and period (every metric), with attainment."""
    with get_database().reading() as cur:
        frame = goals.load_goals(cur, viewer, period, period_kind=period.kind)
    same_scope = (frame["scope_kind"] == scope_kind) & (
        frame["scope_id"].isna() if scope_id is None else frame["scope_id"] == scope_id
    )
    return frame[same_scope & (frame["period_start"] == period.start)]


@st.cache_data(ttl=TTL, show_spinner=False)
def capacity_plan(
    viewer: auth.Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: goals.GoalPeriod,
    metric: str,
    target: float,
    today: dt.date,
) -> tuple[capacity.ScopeHistory, capacity.CapacityPlan]:
    with get_database().reading() as cur:
        return capacity.compute_capacity_for_target(
            cur, viewer, scope_kind, scope_id, period, metric, target, today
        )


@st.cache_data(ttl=TTL, show_spinner=False)
def scope_history(
    viewer: auth.Viewer, scope_kind: str, scope_id: int | None, today: dt.date
) -> capacity.ScopeHistory:
    with get_database().reading() as cur:
        return capacity.load_scope_history(cur, viewer, scope_kind, scope_id, today)


@st.cache_data(ttl=TTL, show_spinner=False)
def demand(
    viewer: auth.Viewer,
    scope_kind: str,
    scope_id: int | None,
    first_month: dt.date,
    months: int,
    today: dt.date,
) -> pd.DataFrame:
    with get_database().reading() as cur:
        return capacity.load_demand(cur, viewer, scope_kind, scope_id, first_month, months, today)
