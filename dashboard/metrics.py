"""Sales KPIs (definitions in METRIC_DEFINITIONS), for any viewer, period, filter and grouping.

One function per figure set; the Overview page, the CLI (`kpis`) and the tests call the
same ones. Aggregation happens in DuckDB; Python only merges and divides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import ValidationError

GROUP_BY = ("owner", "team", "territory", "product", "stage", "source")
DEAL_LIST_KINDS = ("won", "lost", "open", "created")

METRIC_DEFINITIONS: dict[str, str] = {
    "Bookings": "Amount of deals won with close date in the period, in the reporting currency.",
    "Won / lost deals": "Deals closed as won / lost with close date in the period.",
    "Win rate (count)": "Won / (won + lost) of deals closed in the period.",
    "Win rate (value)": "Won amount / (won + lost amount) of deals closed in the period.",
    "Average deal size": "Bookings / won deals.",
    "Sales cycle": "Days from a deal's creation to its win (calendar dates), median and mean, of deals won in the period.",
    "Deals": "Deals created in the period.",
    "Open pipeline": "Amount of deals not yet won or lost at the end of the period (now when the period has not ended).",
    "Weighted pipeline": "Sum over open deals of amount x probability.",
    "Coverage": "Open pipeline due in the period / (goal - bookings so far); shown when some goal remains.",
    "Attainment": "Actual / goal for the same scope and period.",
    "Stage conversion": "Of deals that reached stage k, the share that reached stage k+1 (a skipped stage counts as passed).",
    "Velocity": "Open deals x win rate x average deal size / sales cycle days, per day.",
    "Sales per selling day": "Bookings / working days (Monday-Friday) of the period so far "
    "(the whole period once it has ended).",
    "Monthly goal": "A goal set for a quarter or year, spread over its days.",
}


@dataclass(frozen=True)
class DealFilter:
    """Page filters; None means no filter. A team filter covers the team's whole subtree."""

    team_id: int | None = None
    territory_id: int | None = None
    product_id: int | None = None

    def params(self) -> dict[str, int | None]:
        return {
            "team_id": self.team_id,
            "territory_id": self.territory_id,
            "product_id": self.product_id,
        }

    @property
    def count(self) -> int:
        return sum(value is not None for value in self.params().values())


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end); None on either side = unbounded."""

    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(start, add_months(start, 3))

    @classmethod
    def from_inclusive(cls, first: dt.date | None, last: dt.date | None) -> Period:
        """The period from `first` to `last`, both days included."""
        return cls(first, last + dt.timedelta(days=1) if last else None)

    def params(self) -> dict[str, dt.datetime | None]:
        return {"start": _midnight(self.start), "end": _midnight(self.end)}

    @property
    def label(self) -> str:
        if (
            self.start
            and self.end
            and self.end == add_months(self.start, 3)
            and self.start.month % 3 == 1
        ):
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        first = self.start.isoformat() if self.start else "the beginning"
        last = (self.end - dt.timedelta(days=1)).isoformat() if self.end else "now"
        return f"{first} to {last}"


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time()) if day else None


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def elapsed_share(period: Period, today: dt.date) -> float:
    """Share of a bounded period's days that have passed by the end of `today` (0 to 1)."""
    total = (period.end - period.start).days
    passed = (min(max(today + dt.timedelta(days=1), period.start), period.end) - period.start).days
    return passed / total


def quarters_back(today: dt.date, count: int) -> list[Period]:
    """The quarter containing `today` and the count-1 before it, newest first."""
    current = Period.quarter_of(today)
    return [
        Period(add_months(current.start, -3 * back), add_months(current.start, -3 * back + 3))
        for back in range(count)
    ]


def scoped_params(viewer: Viewer, filters: DealFilter) -> dict[str, Any]:
    """Bound parameters shared by every scoped query: the viewer's scope and the filters."""
    return {**viewer.scope_params(), **filters.params()}


def analytics_params(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, filters: DealFilter
) -> dict[str, Any]:
    """Bound parameters of the analytics queries (the analytics_* macros of 015_scope_lists):
    the reps whose deals the viewer may see under the team filter as a list, None when that is
    every rep (an unfiltered admin or executive: the queries then test nothing per row), and
    the territory and product filters."""
    rep_ids = None
    if viewer.scope_kind != "all" or filters.team_id is not None:
        rows = sql.fetch_all(
            cur, "overview/list_scope_rep_ids", **viewer.scope_params(), team_id=filters.team_id
        )
        rep_ids = [row["rep_id"] for row in rows]
    return {
        "rep_ids": rep_ids,
        "territory_id": filters.territory_id,
        "product_id": filters.product_id,
    }


def _number(value: Any) -> float | int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _figures(closed: dict[str, Any], open_: dict[str, Any]) -> dict[str, Any]:
    won, lost = int(closed.get("won") or 0), int(closed.get("lost") or 0)
    bookings = Decimal(closed.get("bookings") or 0)
    lost_amount = Decimal(closed.get("lost_amount") or 0)
    return {
        "deals": int(closed.get("deals") or 0),
        "won": won,
        "lost": lost,
        "open": int(open_.get("open") or 0),
        "win_rate": _ratio(won, won + lost),
        "win_rate_value": _ratio(float(bookings), float(bookings + lost_amount)),
        "bookings": float(bookings),
        "avg_deal_size": round(float(bookings / won), 2) if won else None,
        "cycle_days_median": _number(closed.get("cycle_days_median")),
        "cycle_days_mean": _number(closed.get("cycle_days_mean")),
        "open_pipeline": float(Decimal(open_.get("open_pipeline") or 0)),
        "weighted_pipeline": float(Decimal(open_.get("weighted_pipeline") or 0)),
    }


def compute_kpis(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period = Period(),
    by: str | None = None,
    filters: DealFilter = DealFilter(),
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The headline KPIs for a viewer and period, with a `groups` list when `by` is given."""
    if by is not None and by not in GROUP_BY:
        raise ValidationError(f"cannot group by {by!r}; choose one of {', '.join(GROUP_BY)}")
    today = today or dt.date.today()
    scope = scoped_params(viewer, filters)
    # one statement for the closed figures and, while the period runs, the pipeline now
    open_now = period.end is None or period.end > today
    if by is None:
        closed_rows = sql.fetch_all(
            con, "kpis/summarise_totals", **scope, **period.params(), open_now=open_now
        )
    else:
        closed_rows = sql.fetch_all(
            con, "kpis/summarise_groups", **scope, group_by=by, **period.params(), open_now=open_now
        )
    closed_totals, closed_by_key = _split_totals(closed_rows)
    if open_now:
        open_totals, open_by_key = closed_totals, closed_by_key
    else:
        open_rows = sql.fetch_all(
            con,
            "kpis/summarise_open_pipeline_as_of",
            **scope,
            group_by=by,
            before=_midnight(period.end),
        )
        open_totals, open_by_key = _split_totals(open_rows)
    totals = _figures(closed_totals, open_totals)
    if by is None:
        return totals
    keys = sorted(set(closed_by_key) | set(open_by_key), key=lambda key: (key is None, str(key)))
    groups = [
        {
            "key": key if key is not None else "(none)",
            **_figures(closed_by_key.get(key, {}), open_by_key.get(key, {})),
        }
        for key in keys
    ]
    groups.sort(key=lambda group: (-group["bookings"], -group["open_pipeline"], group["key"]))
    return {**totals, "groups": groups}


def _split_totals(
    rows: list[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str | None, dict[str, Any]]]:
    """(the totals row, the group rows by key) of a kpis query; a row without is_total is both."""
    totals: dict[str, Any] = {}
    groups: dict[str | None, dict[str, Any]] = {}
    for row in rows:
        if row.get("is_total", True):
            totals = row
        if not row.get("is_total", False):
            groups[row["group_key"]] = row
    return totals, groups


def goal_scope(viewer: Viewer, filters: DealFilter) -> tuple[str, int | None] | None:
    """The goal that matches what the viewer is looking at, or None when no single goal does."""
    if filters.count > 1:
        return None
    if filters.product_id is not None:
        return ("product", filters.product_id)
    if filters.territory_id is not None:
        return ("territory", filters.territory_id)
    if filters.team_id is not None:
        return ("team", filters.team_id)
    if viewer.scope_kind == "rep":
        return ("rep", viewer.rep_id)
    if viewer.scope_kind == "team":
        return ("team", viewer.team_id)
    return ("company", None)


def load_goal_by_month(
    con: duckdb.DuckDBPyConnection,
    scope: tuple[str, int | None] | None,
    period: Period,
    metric: str = "bookings",
) -> pd.DataFrame:
    """Goal per month of the period for one scope (empty when there is no scope)."""
    if scope is None or period.start is None or period.end is None:
        return pd.DataFrame(columns=["month_start", "target"])
    return sql.fetch_df(
        con,
        "overview/goal_by_month",
        scope_kind_goal=scope[0],
        scope_id_goal=scope[1],
        metric=metric,
        **period.params(),
    )


def load_goal_total(
    con: duckdb.DuckDBPyConnection,
    scope: tuple[str, int | None] | None,
    period: Period,
    metric: str = "bookings",
) -> float | None:
    """The goal for a scope over a period (None when no goal is set)."""
    return goal_total(load_goal_by_month(con, scope, period, metric), period)


def goal_total(monthly: pd.DataFrame, period: Period) -> float | None:
    """The goal over the months of `period` in a load_goal_by_month frame that may cover more
    (one query for several quarters); None when no goal is set for any of them."""
    first = period.start.replace(day=1)
    targets = [
        float(target)
        for month, target in zip(monthly["month_start"], monthly["target"], strict=True)
        if first <= pd.Timestamp(month).date() < period.end and not pd.isna(target)
    ]  # a plain loop: a frame of a few rows, read once per quarter
    return sum(targets) if targets else None


def load_bookings_by_month(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = DealFilter(),
) -> pd.DataFrame:
    """Won deals and bookings per month of the period."""
    params = scoped_params(viewer, filters)
    return sql.fetch_df(con, "overview/bookings_by_month", **params, **period.params())


def load_bookings_vs_goal(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = DealFilter(),
) -> pd.DataFrame:
    """Per month of the period: bookings, goal, and both cumulated."""
    goals = load_goal_by_month(con, goal_scope(viewer, filters), period)
    bookings = load_bookings_by_month(con, viewer, period, filters)
    months = pd.DataFrame(
        {"month_start": pd.date_range(period.start, period.end, freq="MS", inclusive="left")}
    )
    for part in (goals, bookings):
        part["month_start"] = pd.to_datetime(part["month_start"]).astype(
            months["month_start"].dtype
        )
    frame = months.merge(bookings, on="month_start", how="left").merge(
        goals, on="month_start", how="left"
    )
    frame["won"] = frame["won"].fillna(0).astype(int)
    frame["bookings"] = frame["bookings"].astype(float).fillna(0.0)
    frame["target"] = frame["target"].astype(float)
    frame["bookings_cumulative"] = frame["bookings"].cumsum()
    frame["target_cumulative"] = frame["target"].cumsum()
    return frame


def load_pipeline_by_stage(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: DealFilter = DealFilter()
) -> pd.DataFrame:
    """Open deals, amount and weighted amount per open stage, now."""
    params = scoped_params(viewer, filters)
    frame = sql.fetch_df(con, "overview/pipeline_by_stage", **params)
    for column in ("amount", "weighted_amount"):
        frame[column] = frame[column].astype(float)
    return frame


def load_attainment(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    level: str,
    filters: DealFilter = DealFilter(),
) -> pd.DataFrame:
    """Bookings vs goal per team or per rep for the period."""
    if level not in ("team", "rep"):
        raise ValidationError(f"attainment is by team or rep, not {level!r}")
    params = scoped_params(viewer, filters)
    frame = sql.fetch_df(
        con, "overview/attainment_by_unit", level=level, **params, **period.params()
    )
    for column in ("bookings", "goal", "attainment"):
        frame[column] = frame[column].astype(float)
    return frame


def list_deals(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    period: Period,
    filters: DealFilter = DealFilter(),
    limit: int = 5000,
) -> pd.DataFrame:
    """The deals behind a figure (won, lost, open or created in the period), largest first."""
    if kind not in DEAL_LIST_KINDS:
        raise ValidationError(f"unknown deal list {kind!r}")
    params = scoped_params(viewer, filters)
    return sql.fetch_df(
        con, "overview/list_deals", kind=kind, limit=limit, **params, **period.params()
    )


def coverage(open_due: float, goal: float | None, bookings: float) -> float | None:
    """Open pipeline due in the period / (goal - bookings so far); None when no goal remains."""
    if goal is None:
        return None
    remaining = goal - bookings
    return open_due / remaining if remaining > 0 else None


def load_open_due(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = DealFilter(),
) -> float:
    """Amount of open deals expected to close inside the period."""
    params = scoped_params(viewer, filters)
    row = sql.fetch_one(con, "overview/sum_open_due", **params, **period.params())
    return float(row["amount"] or 0)


def load_filter_options(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Teams and reps in the viewer's scope, territories and products, for filters and forms."""
    return sql.fetch_df(con, "overview/list_filter_options", **viewer.scope_params())
