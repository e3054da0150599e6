"""Page pieces the Goals and Plans pages share: the period and scope pickers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import goals

PERIODS_AROUND = {"month": (12, 6), "quarter": (8, 4), "year": (3, 2)}


def period_picker(
    key: str, today: dt.date, fiscal_start: int, container: Any = None
) -> goals.GoalPeriod:
    """A choice of month, quarter or year around today (the current one preselected)."""
    place = container or st.sidebar
    kind = place.selectbox(
        "Period kind",
        list(goals.PERIOD_KINDS),
        index=1,
        format_func=goals.PERIOD_KINDS.get,
        key=f"{key}_period_kind",
    )
    back, ahead = PERIODS_AROUND[kind]
    options = goals.list_periods(kind, today, fiscal_start, back=back, ahead=ahead)
    labels = [period.label for period in options]
    current = goals.period_containing(kind, today, fiscal_start).label
    choice = place.selectbox(
        "Period", labels, index=labels.index(current), key=f"{key}_period_{kind}"
    )
    return options[labels.index(choice)]


def scope_picker(
    key: str, scopes: pd.DataFrame, container: Any = None
) -> tuple[str, int | None, str] | None:
    """A choice of scope kind, then of one scope of that kind (indented by hierarchy)."""
    place = container or st.sidebar
    present = set(scopes["scope_kind"])
    kinds = [kind for kind in goals.SCOPE_KINDS if kind in present]
    if not kinds:
        return None
    kind = place.selectbox(
        "Scope", kinds, format_func=goals.SCOPE_KINDS.get, key=f"{key}_scope_kind"
    )
    rows = scopes[scopes["scope_kind"] == kind]
    if kind == "company":
        return ("company", None, str(rows["scope_name"].iloc[0]))
    labels = {
        int(row.scope_id): "\u2003" * max(int(row.depth) - 1, 0) + str(row.scope_name)
        for row in rows.itertuples()
    }
    chosen = place.selectbox(
        goals.SCOPE_KINDS[kind],
        list(labels),
        format_func=labels.get,
        key=f"{key}_scope_{kind}",
    )
    return (kind, int(chosen), labels[chosen].strip())
