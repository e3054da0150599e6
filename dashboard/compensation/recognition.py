"""Recognition: leaderboards, the club threshold and badges shown to the team, and activity
statistics per rep (calls, meetings, follow-ups per day and week)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.compensation.common import (
    PLAN_EDIT_ROLES,
    RECOGNITION_ROLES,
    audit,
    require_role,
    to_decimal,
)
from dashboard.compensation.engine import format_number
from dashboard.errors import ValidationError
from dashboard.metrics import Period

CLUB_SETTING = "comp_club_threshold_pct"
DEFAULT_CLUB_PCT = Decimal("120")
SHARPSHOOTER_MIN_CLOSED = 5
LEADERBOARD_METRICS = {
    "attainment": "Attainment",
    "bookings": "Bookings",
    "win_rate": "Win rate",
    "new_accounts": "New accounts",
    "activities": "Activities",
}
BADGES = {
    "President's Club": "attainment at or above the club threshold",
    "Quota achiever": "100% of the bookings goal or more",
    "Top closer": "the most bookings",
    "Hunter": "the most new accounts (first won deal of an account)",
    "Sharpshooter": f"the best win rate with at least {SHARPSHOOTER_MIN_CLOSED} deals closed",
    "Busiest": "the most activities done",
}
ACTIVITY_TYPES = ("call", "email", "meeting", "presentation", "proposal", "follow_up", "feedback")


def recognition_scope(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> dict[str, object]:
    """Whom the viewer's leaderboard ranks: a rep sees their own team, others their scope."""
    if viewer.role != "rep":
        return viewer.scope_params()
    rep = sql.fetch_one(cur, "auth/get_rep", rep_id=viewer.rep_id)
    if rep is None:
        return viewer.scope_params()
    return {"scope_kind": "team", "scope_rep_id": None, "scope_team_id": rep["team_id"]}


def get_club_threshold(cur: duckdb.DuckDBPyConnection) -> Decimal:
    """The attainment in percent that earns the club badge (workspace setting, default 120)."""
    row = sql.fetch_one(cur, "workspace/get_setting", key=CLUB_SETTING)
    return Decimal(row["setting_value"]) if row else DEFAULT_CLUB_PCT


def set_club_threshold(cur: duckdb.DuckDBPyConnection, viewer: Viewer, pct: object) -> Decimal:
    """Change the club threshold (administrators and executives)."""
    require_role(viewer, PLAN_EDIT_ROLES, "change the club threshold")
    value = to_decimal(pct, "The club threshold", 2)
    if value is None or value <= 0:
        raise ValidationError("The club threshold is an attainment above 0%, such as 120.")
    old = get_club_threshold(cur)
    sql.execute(cur, "workspace/set_setting", key=CLUB_SETTING, value=format_number(value))
    audit(cur, viewer, "set", "workspace_settings", CLUB_SETTING, f"{old} -> {value}")
    return value


def load_leaderboard(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, period: Period, club_pct: Decimal
) -> pd.DataFrame:
    """Per rep: bookings, goal, attainment, won, lost, win rate, new accounts, activities, the
    rank on each, club membership and badges."""
    require_role(viewer, RECOGNITION_ROLES, "see leaderboards")
    frame = sql.fetch_df(
        cur,
        "compensation/list_leaderboard",
        range_start=period.start,
        range_end=period.end,
        **recognition_scope(cur, viewer),
    )
    frame["bookings"] = frame["bookings"].astype(float)
    frame["goal"] = frame["goal"].astype(float)
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] > 0)
    closed = frame["won"] + frame["lost"]
    frame["win_rate"] = frame["won"] / closed.where(closed > 0)
    for metric in LEADERBOARD_METRICS:
        frame[f"rank_{metric}"] = (
            frame[metric].rank(ascending=False, method="min", na_option="keep").astype("Int64")
        )
    club = float(club_pct) / 100
    frame["is_club"] = frame["attainment"].fillna(0) >= club
    frame["badges"] = _badges(frame, club)
    return frame


def _badges(frame: pd.DataFrame, club: float) -> list[str]:
    def leaders(values: pd.Series) -> pd.Series:
        best = values.max()
        if pd.isna(best) or best <= 0:
            return pd.Series(False, index=values.index)
        return values == best

    sharp = frame["win_rate"].where(frame["won"] + frame["lost"] >= SHARPSHOOTER_MIN_CLOSED)
    earned = {
        "President's Club": frame["attainment"].fillna(0) >= club,
        "Quota achiever": (frame["attainment"].fillna(0) >= 1)
        & (frame["attainment"].fillna(0) < club),
        "Top closer": leaders(frame["bookings"]),
        "Hunter": leaders(frame["new_accounts"]),
        "Sharpshooter": leaders(sharp),
        "Busiest": leaders(frame["activities"]),
    }
    return [
        " · ".join(name for name, holders in earned.items() if bool(holders.iloc[position]))
        for position in range(len(frame))
    ]


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in [start, end)."""
    if end <= start:
        return 0
    return int(np.busday_count(start, end))


def load_activity_stats(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    today: dt.date,
    rep_id: int | None = None,
) -> pd.DataFrame:
    """Per rep: activities done by type in the period, and calls, meetings and follow-ups
    per working day and per week (over the part of the period that has passed)."""
    require_role(viewer, RECOGNITION_ROLES, "see activity statistics")
    scope = recognition_scope(cur, viewer)
    counts = sql.fetch_df(
        cur,
        "compensation/count_activities",
        range_start=period.start,
        range_end=period.end,
        only_rep_id=rep_id,
        **scope,
    )
    board = sql.fetch_df(
        cur,
        "compensation/list_leaderboard",
        range_start=period.start,
        range_end=period.end,
        **scope,
    )[["rep_id", "rep_name", "team_name"]]
    if rep_id is not None:
        board = board[board["rep_id"] == rep_id]
    wide = (
        counts.pivot_table(
            index="rep_id",
            columns="activity_type",
            values="activities",
            aggfunc="sum",
            fill_value=0,
        )
        if not counts.empty
        else pd.DataFrame(index=pd.Index([], name="rep_id"))
    )
    wide = wide.reindex(columns=list(ACTIVITY_TYPES), fill_value=0)
    frame = board.merge(wide, left_on="rep_id", right_index=True, how="left").fillna(
        dict.fromkeys(ACTIVITY_TYPES, 0)
    )
    for kind in ACTIVITY_TYPES:
        frame[kind] = frame[kind].astype(int)
    frame["total"] = frame[list(ACTIVITY_TYPES)].sum(axis=1)
    elapsed_end = min(period.end, today + dt.timedelta(days=1))
    days = working_days(period.start, elapsed_end)
    weeks = max((elapsed_end - period.start).days, 0) / 7
    for kind in ("call", "meeting", "follow_up"):
        frame[f"{kind}_per_day"] = (frame[kind] / days).round(2) if days else np.nan
        frame[f"{kind}_per_week"] = (frame[kind] / weeks).round(2) if weeks else np.nan
    frame["working_days"] = days
    return frame.sort_values(["total", "rep_name"], ascending=[False, True]).reset_index(drop=True)


def load_activity_weeks(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, period: Period, rep_id: int | None = None
) -> pd.DataFrame:
    """Activities done per week and type in the period (the viewer's team for a rep)."""
    require_role(viewer, RECOGNITION_ROLES, "see activity statistics")
    return sql.fetch_df(
        cur,
        "compensation/list_activity_weeks",
        range_start=period.start,
        range_end=period.end,
        only_rep_id=rep_id,
        **recognition_scope(cur, viewer),
    )
