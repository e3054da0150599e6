"""Goals: targets per period, scope and metric; splits over children, attainment, versions, CSV.

A goal is a target for one period (month, quarter or year), one scope (the company, a team,
a rep, a territory, a product or a customer segment) and one metric (bookings, won deals,
new accounts, activities). Every change appends a version (who, when, old -> new); an edit
made on a stale version is refused. Managers set goals inside their team subtree only,
administrators and executives anywhere; reps and analysts only look.

There is one goal per scope, period and metric, and the database holds it so (goal_keys): when
two app servers create the same goal at the same moment, the second save is refused, after its
rollback, as if the goal had been there before (saves that may create goals run inside
`transaction(db)`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import sql
from dashboard.audit import record_audit
from dashboard.auth import ROLE_LABELS, Viewer
from dashboard.db import Database
from dashboard.errors import DomainError, NotFoundError, PermissionDenied, ValidationError

METRICS: dict[str, str] = {
    "bookings": "Bookings",
    "won_deals": "Won deals",
    "new_accounts": "New accounts",
    "activities": "Activities",
}
COUNT_METRICS = frozenset({"won_deals", "new_accounts", "activities"})
METRIC_DEFINITIONS: dict[str, str] = {
    "bookings": "Sum of the amounts (reporting currency) of deals won with close date in the period.",
    "won_deals": "Number of deals won with close date in the period.",
    "new_accounts": "Accounts created in the period (rep: accounts they own; team: owned by the "
    "reps of its subtree; territory: in its subtree; segment: in the segment).",
    "activities": "Done activities (calls, meetings, ...) that occurred in the period.",
}
SCOPE_KINDS: dict[str, str] = {
    "company": "Company",
    "team": "Team",
    "rep": "Rep",
    "territory": "Territory",
    "product": "Product",
    "segment": "Customer segment",
}
PERIOD_KINDS: dict[str, str] = {"month": "Month", "quarter": "Quarter", "year": "Year"}
SPLIT_METHODS: dict[str, str] = {
    "even": "Evenly",
    "last_year": "By last year's share",
    "seasonality": "By last year's seasonality (over shorter periods)",
}
MISMATCH_CHOICES = ("block", "keep")
EDIT_ROLES = ("admin", "executive", "manager")
FISCAL_SETTING = "fiscal_year_start_month"
PROJECTION_NOTE = (
    "Run-rate projection = actual to date / selling days elapsed x selling days in the period "
    "(selling days are Monday to Friday; today counts as elapsed)."
)
IMPORT_COLUMNS = ("scope", "period", "metric", "target")
PERIOD_FORMATS = "2027-Q1 (quarter), 2027-03 (month), 2027 (year), FY2027 or FY2027-Q1 (fiscal)"


class StaleVersion(DomainError):
    """Someone saved the record after the editor loaded it; nothing was changed."""


class GoalTaken(StaleVersion):
    """The database refused a new goal: another goal holds its scope, period and metric (on the
    shared store, one another process created while this save ran). Raised inside the write
    transaction; `transaction(db)` turns it, after the rollback, into the refusal an existing
    goal gets, with the goal's current value."""

    def __init__(
        self,
        scope_kind: str,
        scope_id: int | None,
        period: GoalPeriod,
        metric: str,
        label: str,
        what: str | None = None,
    ):
        super().__init__(
            f"A goal for {label} was created by someone else at the same moment. Nothing was "
            "changed; reload and edit that goal instead."
        )
        self.scope_kind = scope_kind
        self.scope_id = scope_id
        self.period = period
        self.metric = metric
        self.what = what  # None: a goal set on its own; else the split child it was


class ImportRefused(ValidationError):
    """A goal file has bad rows and nothing was saved; .problems lists (row, reason)."""

    def __init__(self, message: str, problems: list[tuple[int, str]], checked: pd.DataFrame):
        super().__init__(message)
        self.problems = problems
        self.checked = checked


# ---------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class GoalPeriod:
    """A month, quarter or year: [start, end) with its label (2027-Q1, 2027-03, 2027, FY2027)."""

    kind: str
    start: dt.date
    end: dt.date
    label: str

    def shifted_years(self, years: int, fiscal_start: int = 1) -> GoalPeriod:
        """The same period `years` years later (negative: earlier)."""
        return make_period(self.kind, _add_months(self.start, 12 * years), fiscal_start)

    def sub_periods(self, kind: str, fiscal_start: int = 1) -> list[GoalPeriod]:
        """The months or quarters that make up this period."""
        step = {"month": 1, "quarter": 3}.get(kind)
        if step is None or PERIOD_ORDER[kind] >= PERIOD_ORDER[self.kind]:
            raise ValidationError(
                f"A {self.kind} goal cannot be split over {kind}s; choose a shorter period."
            )
        parts, start = [], self.start
        while start < self.end:
            parts.append(make_period(kind, start, fiscal_start))
            start = _add_months(start, step)
        return parts

    @property
    def selling_days(self) -> int:
        return selling_days(self.start, self.end)


PERIOD_ORDER = {"month": 1, "quarter": 2, "year": 3}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def selling_days(start: dt.date, end: dt.date) -> int:
    """Working days (Monday-Friday) in [start, end)."""
    if end <= start:
        return 0
    return int(np.busday_count(start, end))


def _fiscal_year(day: dt.date, fiscal_start: int) -> int:
    """The fiscal year a day falls in, named by the calendar year the fiscal year ends in."""
    if fiscal_start == 1:
        return day.year
    return day.year + 1 if day.month >= fiscal_start else day.year


def _fiscal_year_start(fiscal_year: int, fiscal_start: int) -> dt.date:
    if fiscal_start == 1:
        return dt.date(fiscal_year, 1, 1)
    return dt.date(fiscal_year - 1, fiscal_start, 1)


def period_label(kind: str, start: dt.date, fiscal_start: int = 1) -> str:
    """The label of a period: 2027-03, 2027-Q1 (calendar) or FY2027-Q2, 2027 or FY2027."""
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        if start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        number = ((start.month - fiscal_start) % 12) // 3 + 1
        return f"FY{_fiscal_year(start, fiscal_start)}-Q{number}"
    if start.month == 1:
        return str(start.year)
    return f"FY{_fiscal_year(start, fiscal_start)}"


def make_period(kind: str, start: dt.date, fiscal_start: int = 1) -> GoalPeriod:
    """The period of a kind starting on `start` (the first of a month, aligned to its kind)."""
    if kind not in PERIOD_KINDS:
        raise ValidationError(f"A period is a month, quarter or year, not {kind!r}.")
    if start.day != 1:
        raise ValidationError(f"A {kind} starts on the first of a month, not on {start}.")
    if kind == "quarter" and start.month % 3 != 1 and (start.month - fiscal_start) % 3 != 0:
        raise ValidationError(
            f"A quarter starts in a calendar or fiscal quarter's first month, not in {start:%B}."
        )
    if kind == "year" and start.month not in (1, fiscal_start):
        raise ValidationError(
            f"A year starts in January or in the fiscal year's first month, not in {start:%B}."
        )
    return GoalPeriod(
        kind, start, _add_months(start, _MONTHS[kind]), period_label(kind, start, fiscal_start)
    )


def period_containing(kind: str, day: dt.date, fiscal_start: int = 1) -> GoalPeriod:
    """The month, (fiscal) quarter or fiscal year that contains a day."""
    if kind == "month":
        return make_period("month", dt.date(day.year, day.month, 1), fiscal_start)
    if kind == "quarter":
        offset = (day.month - fiscal_start) % 3
        return make_period(
            "quarter", _add_months(dt.date(day.year, day.month, 1), -offset), fiscal_start
        )
    return make_period(
        "year", _fiscal_year_start(_fiscal_year(day, fiscal_start), fiscal_start), fiscal_start
    )


def list_periods(
    kind: str, today: dt.date, fiscal_start: int = 1, back: int = 4, ahead: int = 4
) -> list[GoalPeriod]:
    """Periods of a kind around today, oldest first (`back` before the current, `ahead` after)."""
    current = period_containing(kind, today, fiscal_start)
    step = _MONTHS[kind]
    return [
        make_period(kind, _add_months(current.start, step * offset), fiscal_start)
        for offset in range(-back, ahead + 1)
    ]


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$"), "quarter"),
    (re.compile(r"^Q([1-4])[\s-]+(\d{4})$"), "quarter_reversed"),
    (re.compile(r"^FY\s*(\d{4})\s*-?\s*Q([1-4])$"), "fiscal_quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^FY\s*(\d{4})$"), "fiscal_year"),
)


def parse_period(text: str, fiscal_start: int = 1) -> GoalPeriod:
    """A period written 2027-Q1, 2027-03, 2027, FY2027 or FY2027-Q1 (fiscal: the fiscal year
    that ends in 2027, starting in the workspace's fiscal start month)."""
    cleaned = str(text or "").strip().upper()
    for pattern, form in _PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        numbers = [int(group) for group in match.groups()]
        year = numbers[1] if form == "quarter_reversed" else numbers[0]
        if not 1900 <= year <= 2200:
            break
        if form == "month":
            if not 1 <= numbers[1] <= 12:
                break
            return make_period("month", dt.date(year, numbers[1], 1), fiscal_start)
        if form in ("quarter", "quarter_reversed"):
            number = numbers[0] if form == "quarter_reversed" else numbers[1]
            return make_period("quarter", dt.date(year, 3 * number - 2, 1), fiscal_start)
        if form == "fiscal_quarter":
            start = _add_months(_fiscal_year_start(year, fiscal_start), 3 * (numbers[1] - 1))
            return make_period("quarter", start, fiscal_start)
        if form == "year":
            return make_period("year", dt.date(year, 1, 1), fiscal_start)
        return make_period("year", _fiscal_year_start(year, fiscal_start), fiscal_start)
    raise ValidationError(f"{str(text).strip()!r} is not a period; write {PERIOD_FORMATS}.")


def fiscal_year_start(cur: duckdb.DuckDBPyConnection) -> int:
    """The workspace's fiscal year start month (1 = January, the default)."""
    row = sql.fetch_one(cur, "workspace/get_setting", key=FISCAL_SETTING)
    try:
        month = int(row["setting_value"]) if row else 1
    except ValueError:
        return 1
    return month if 1 <= month <= 12 else 1


def set_fiscal_year_start(cur: duckdb.DuckDBPyConnection, viewer: Viewer, month: int) -> None:
    """Set the fiscal year start month (administrators only)."""
    if viewer.role != "admin":
        raise PermissionDenied("Only an administrator can change the fiscal year start.")
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"The fiscal year starts in a month from 1 to 12, not {month!r}.")
    old = fiscal_year_start(cur)
    sql.execute(cur, "workspace/set_setting", key=FISCAL_SETTING, value=str(month))
    record_audit(
        cur, viewer.user_id, "setting", "workspace_settings", FISCAL_SETTING, f"{old} -> {month}"
    )


# ----------------------------------------------------------------------------------- scopes


def load_scopes(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every scope a goal can have (kind, id, name, parent, depth, active, code)."""
    frame = sql.fetch_df(cur, "goals/list_scopes")
    frame["scope_id"] = frame["scope_id"].astype("Int64")
    frame["parent_id"] = frame["parent_id"].astype("Int64")
    return frame


def scope_label(scope_kind: str, scope_name: str | None, capital: bool = False) -> str:
    """How a scope reads in a sentence: 'the company', 'team Northeast', 'rep Ava Baker'
    (capital=True: 'The company', 'Team Northeast')."""
    if scope_kind == "company":
        text = f"the company ({scope_name})" if scope_name else "the company"
    else:
        text = f"{SCOPE_KINDS.get(scope_kind, scope_kind).lower()} {scope_name}"
    return text[0].upper() + text[1:] if capital else text


def _same_id(left: Any, right: int | None) -> bool:
    if right is None:
        return left is None or pd.isna(left)
    return left is not None and not pd.isna(left) and int(left) == int(right)


def find_scope(scopes: pd.DataFrame, scope_kind: str, scope_id: int | None) -> dict[str, Any]:
    """One scope's row; ValidationError when it does not exist."""
    if scope_kind not in SCOPE_KINDS:
        raise ValidationError(
            f"{scope_kind!r} is not a kind of scope; choose one of {', '.join(SCOPE_KINDS)}."
        )
    if scope_kind == "company":
        scope_id = None
    elif scope_id is None:
        raise ValidationError(f"Choose which {SCOPE_KINDS[scope_kind].lower()} the goal is for.")
    rows = scopes[scopes["scope_kind"] == scope_kind]
    for row in rows.to_dict("records"):
        if _same_id(row["scope_id"], scope_id):
            row["scope_id"] = None if scope_kind == "company" else int(row["scope_id"])
            return row
    raise ValidationError(f"There is no {SCOPE_KINDS[scope_kind].lower()} with id {scope_id}.")


def resolve_scope(scopes: pd.DataFrame, text: str) -> dict[str, Any]:
    """A scope written 'company', 'team:Northeast', 'team:4', 'product:HW-EG100', 'rep:Ava Baker'."""
    raw = str(text or "").strip()
    kind, _, reference = raw.partition(":")
    kind, reference = kind.strip().lower(), reference.strip()
    aliases = {"customer segment": "segment", "segment": "segment", "region": "team"}
    kind = aliases.get(kind, kind)
    if kind == "company":
        return find_scope(scopes, "company", None)
    if kind not in SCOPE_KINDS:
        raise ValidationError(
            f"scope {raw!r} does not start with a kind of scope "
            f"({', '.join(SCOPE_KINDS)}), like team:Northeast"
        )
    if not reference:
        raise ValidationError(f"scope {raw!r} names no {kind}; write {kind}:NAME or {kind}:ID")
    rows = scopes[scopes["scope_kind"] == kind]
    if reference.isdigit():
        matches = rows[rows["scope_id"] == int(reference)]
        if len(matches) == 1:
            return find_scope(scopes, kind, int(reference))
    folded = reference.casefold()
    by_name = rows[rows["scope_name"].str.casefold() == folded]
    if len(by_name) == 0:
        by_name = rows[rows["code"].fillna("").str.casefold() == folded]
    if len(by_name) > 1:
        ids = ", ".join(str(value) for value in by_name["scope_id"])
        raise ValidationError(
            f"{len(by_name)} {kind}s are called {reference!r} (ids {ids}); write {kind}:ID"
        )
    if len(by_name) == 0:
        raise ValidationError(f"there is no {kind} called {reference!r}")
    return find_scope(scopes, kind, int(by_name["scope_id"].iloc[0]))


def child_scopes(scopes: pd.DataFrame, scope_kind: str, scope_id: int | None) -> pd.DataFrame:
    """The scopes a goal splits into: company -> regions (top teams); a team -> its sub-teams,
    or its active reps at the lowest level; a territory -> its child territories."""
    if scope_kind in ("company", "team"):
        teams = scopes[
            (scopes["scope_kind"] == "team")
            & (scopes["parent_kind"] == scope_kind)
            & scopes["parent_id"].apply(lambda value: _same_id(value, scope_id))
        ]
        if len(teams) or scope_kind == "company":
            return teams
        return scopes[
            (scopes["scope_kind"] == "rep")
            & scopes["is_active"]
            & scopes["parent_id"].apply(lambda value: _same_id(value, scope_id))
        ]
    if scope_kind == "territory":
        return scopes[
            (scopes["scope_kind"] == "territory")
            & scopes["parent_id"].apply(lambda value: _same_id(value, scope_id))
        ]
    return scopes.iloc[0:0]


def can_split(
    scopes: pd.DataFrame, scope_kind: str, scope_id: int | None, period_kind: str, method: str
) -> bool:
    """Whether a goal can be split by a method: over children (even, last year's share) when
    its scope has any, over shorter periods (seasonality) when it is longer than a month."""
    if method == "seasonality":
        return period_kind in ("quarter", "year")
    return not child_scopes(scopes, scope_kind, scope_id).empty


def parent_scope(scopes: pd.DataFrame, scope_kind: str, scope_id: int | None) -> tuple | None:
    """The (kind, id) a scope rolls up to, or None (company, products, segments, a root)."""
    if scope_kind == "company":
        return None
    row = find_scope(scopes, scope_kind, scope_id)
    if row["parent_kind"] is None or pd.isna(row["parent_kind"]):
        return None
    parent_id = row["parent_id"]
    return (row["parent_kind"], None if pd.isna(parent_id) else int(parent_id))


# ------------------------------------------------------------------------------ permissions


def can_edit_scope(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, scope_kind: str, scope_id: int | None
) -> bool:
    """Whether the viewer may set goals (and plans) for a scope."""
    if viewer.role in ("admin", "executive"):
        return True
    if viewer.role != "manager" or viewer.team_id is None:
        return False
    row = sql.fetch_one(
        cur,
        "goals/check_scope_in_subtree",
        scope_team_id=viewer.team_id,
        subject_kind=scope_kind,
        subject_id=scope_id,
    )
    return bool(row and row["is_inside"])


def can_view_scope(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, scope_kind: str, scope_id: int | None
) -> bool:
    """Whether the viewer may see a scope's goals: everyone-scoped roles all; a manager their
    subtree; a rep their own."""
    if viewer.scope_kind == "all":
        return True
    if viewer.scope_kind == "rep":
        return scope_kind == "rep" and scope_id == viewer.rep_id
    return can_edit_scope(cur, viewer, scope_kind, scope_id)


def _subtree_scopes(cur: duckdb.DuckDBPyConnection, team_id: int) -> set[tuple[str, int]]:
    rows = sql.fetch_all(cur, "goals/list_team_subtree", scope_team_id=team_id)
    return {(row["scope_kind"], int(row["scope_id"])) for row in rows}


def _filter_scopes(scopes: pd.DataFrame, allowed: set[tuple[str, int]]) -> pd.DataFrame:
    keep = [
        (row.scope_kind, None if pd.isna(row.scope_id) else int(row.scope_id)) in allowed
        for row in scopes.itertuples()
    ]
    return scopes[keep]


def editable_scopes(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The scopes the viewer may set goals and plans for (empty for reps and analysts)."""
    scopes = load_scopes(cur)
    if viewer.role in ("admin", "executive"):
        return scopes
    if viewer.role != "manager" or viewer.team_id is None:
        return scopes.iloc[0:0]
    return _filter_scopes(scopes, _subtree_scopes(cur, viewer.team_id))


def viewable_scopes(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The scopes whose goals and plans the viewer may see."""
    scopes = load_scopes(cur)
    if viewer.scope_kind == "all":
        return scopes
    if viewer.scope_kind == "rep":
        return _filter_scopes(scopes, {("rep", viewer.rep_id)} if viewer.rep_id else set())
    return _filter_scopes(scopes, _subtree_scopes(cur, viewer.team_id) if viewer.team_id else set())


def check_can_edit(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    scope_name: str | None = None,
    what: str = "goals",
) -> None:
    """Raise PermissionDenied unless the viewer may set goals (or plans) for the scope."""
    if viewer.role not in EDIT_ROLES:
        raise PermissionDenied(
            f"The {ROLE_LABELS.get(viewer.role, viewer.role)} role can view {what} but not set them."
        )
    if not can_edit_scope(cur, viewer, scope_kind, scope_id):
        raise PermissionDenied(
            f"You can set {what} only for your team, the teams below it and their reps; "
            f"{scope_label(scope_kind, scope_name or str(scope_id))} is outside your team."
        )


# ----------------------------------------------------------------------------------- values


def format_value(metric: str, value: Any) -> str:
    """A target or actual as people read it: $1,250,000 for bookings, 42 for counts."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    number = Decimal(str(value))
    sign, number = ("-" if number < 0 else ""), abs(number)
    if metric in COUNT_METRICS:
        whole = number == number.to_integral_value()
        return sign + (f"{number:,.0f}" if whole else f"{number:,.2f}")
    if number == number.to_integral_value():
        return f"{sign}${number:,.0f}"
    return f"{sign}${number:,.2f}"


def check_target(metric: str, value: Any) -> Decimal:
    """A target as a Decimal: a number, not negative, whole for counts, at most 2 decimals."""
    if metric not in METRICS:
        raise ValidationError(f"{metric!r} is not a metric; choose one of {', '.join(METRICS)}.")
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ValidationError("A target is needed.")
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("$", "").replace("_", "").replace(" ", "")
    else:
        cleaned = str(value)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"The target {value!r} is not a number.") from None
    if not number.is_finite():
        raise ValidationError(f"The target {value!r} is not a number.")
    if number < 0:
        raise ValidationError(f"A target cannot be negative ({format_value(metric, number)}).")
    if metric in COUNT_METRICS and number != number.to_integral_value():
        raise ValidationError(
            f"{METRICS[metric]} are counted in whole numbers; {number} is not one."
        )
    if number >= Decimal("1e16"):  # before rounding: a huge number cannot be quantized
        raise ValidationError(f"The target {number} is too large.")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(f"The target {number} has more than two decimals.")
    return number.quantize(Decimal("0.01"))


def check_metric_for_scope(metric: str, scope_kind: str) -> None:
    """Refuse a metric that cannot be measured for a kind of scope."""
    if metric not in METRICS:
        raise ValidationError(f"{metric!r} is not a metric; choose one of {', '.join(METRICS)}.")
    if metric == "new_accounts" and scope_kind == "product":
        raise ValidationError(
            "New accounts cannot be measured per product (an account is not tied to one "
            "product); set that goal for the company, a team, rep, territory or segment."
        )


# ------------------------------------------------------------------------------------ goals


@dataclass(frozen=True)
class Goal:
    """One goal as it stands now, with its children's sum."""

    goal_id: int
    parent_goal_id: int | None
    period: GoalPeriod
    scope_kind: str
    scope_id: int | None
    scope_name: str
    metric: str
    target: Decimal
    version: int
    split_warning: str | None = None
    children: int = 0
    children_total: Decimal | None = None
    parent_target: Decimal | None = None
    updated_by_name: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        scope = "Company" if self.scope_kind == "company" else self.scope_name
        return f"{scope} · {self.period.label} · {METRICS[self.metric]}"


def _optional_int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _optional_decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def stored_period(kind: str, start: Any, end: Any, fiscal_start: int = 1) -> GoalPeriod:
    """The period of a stored row; one that does not line up with the calendar or the fiscal
    year (written by another tool) keeps its dates and is labelled by them."""
    first, after = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    try:
        period = make_period(kind, first, fiscal_start)
    except ValidationError:
        period = None
    if period is not None and period.end == after:
        return period
    return GoalPeriod(kind, first, after, f"{first} to {after - dt.timedelta(days=1)}")


def _goal_from_row(row: dict[str, Any], fiscal_start: int) -> Goal:
    return Goal(
        goal_id=int(row["goal_id"]),
        parent_goal_id=_optional_int(row["parent_goal_id"]),
        period=stored_period(
            row["period_kind"], row["period_start"], row["period_end"], fiscal_start
        ),
        scope_kind=row["scope_kind"],
        scope_id=_optional_int(row["scope_id"]),
        scope_name=row["scope_name"] or "(deleted)",
        metric=row["metric"],
        target=_optional_decimal(row["target"]) or Decimal("0.00"),
        version=int(row["version"]),
        split_warning=row.get("split_warning") or None,
        children=int(row.get("children") or 0),
        children_total=_optional_decimal(row.get("children_total")),
        parent_target=_optional_decimal(row.get("parent_target")),
        updated_by_name=row.get("updated_by_name"),
        updated_at=row.get("updated_at"),
    )


_ALL = {"scope_kind": "all", "scope_rep_id": None, "scope_team_id": None}


def window_params(window: GoalPeriod | None) -> dict[str, dt.date | None]:
    """The $window_start / $window_end of a listing: records whose period lies inside `window`
    (both None: no filter)."""
    return {
        "window_start": window.start if window else None,
        "window_end": window.end if window else None,
    }


def saved_by(name: str | None, at: dt.datetime | None) -> str:
    """' by NAME at YYYY-MM-DD HH:MM' for a stale-version message, each part where known."""
    who = f" by {name}" if name else ""
    when = f" at {at:%Y-%m-%d %H:%M}" if at else ""
    return who + when


def _goal_rows(
    cur: duckdb.DuckDBPyConnection,
    scope: dict[str, Any],
    window: GoalPeriod | None = None,
    period_kind: str | None = None,
    metric: str | None = None,
    goal_id: int | None = None,
) -> list[dict[str, Any]]:
    return sql.fetch_all(
        cur,
        "goals/list_goals",
        **scope,
        **window_params(window),
        period_kind=period_kind,
        metric=metric,
        only_goal_id=goal_id,
    )


def get_goal(cur: duckdb.DuckDBPyConnection, goal_id: int, viewer: Viewer | None = None) -> Goal:
    """One goal by id (NotFoundError when it does not exist or the viewer may not see it)."""
    scope = viewer.scope_params() if viewer is not None else _ALL
    rows = _goal_rows(cur, scope, goal_id=int(goal_id))
    if not rows:
        raise NotFoundError(f"There is no goal {goal_id} you can see.")
    return _goal_from_row(rows[0], fiscal_year_start(cur))


def find_goal(
    cur: duckdb.DuckDBPyConnection,
    scope_kind: str,
    scope_id: int | None,
    period: GoalPeriod,
    metric: str,
) -> Goal | None:
    """The goal for a scope, period and metric, or None."""
    row = sql.fetch_one(
        cur,
        "goals/find_goal",
        subject_kind=scope_kind,
        subject_id=scope_id,
        period_kind=period.kind,
        period_start=period.start,
        metric=metric,
    )
    return None if row is None else get_goal(cur, int(row["goal_id"]))


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


@dataclass(frozen=True)
class MeasureItem:
    """One figure to measure: a scope's metric over [start, end)."""

    scope_kind: str
    scope_id: int | None
    metric: str
    start: dt.date
    end: dt.date


def measure_actuals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    items: Sequence[MeasureItem],
    as_of: dt.datetime,
) -> list[Decimal]:
    """The actual of each item (counting up to as_of), inside the viewer's scope."""
    if not items:
        return []
    listed = [
        {
            "item_index": index,
            "scope_kind": item.scope_kind,
            "scope_id": item.scope_id,
            "metric": item.metric,
            "period_start": item.start,
            "period_end": item.end,
        }
        for index, item in enumerate(items)
    ]
    kinds = {"bookings": "deal", "won_deals": "deal", "new_accounts": "account"}
    rows = sql.fetch_all(
        cur,
        "goals/measure_actuals",
        measure_items=listed,
        as_of=as_of,
        first_at=dt.datetime.combine(min(item.start for item in items), dt.time()),
        last_at=min(as_of, dt.datetime.combine(max(item.end for item in items), dt.time())),
        fact_kinds=sorted({kinds.get(item.metric, "activity") for item in items}),
        **viewer.scope_params(),
    )
    by_index = {int(row["item_index"]): Decimal(row["actual"]) for row in rows}
    return [by_index.get(index, Decimal("0.00")) for index in range(len(items))]


def attainment_figures(
    target: Decimal | float | None, actual: Decimal | float, period: GoalPeriod, today: dt.date
) -> dict[str, Any]:
    """Attainment and the run-rate projection: actual / elapsed selling days x selling days in
    the period (None before the period starts); attainment = actual / target."""
    total_days = period.selling_days
    elapsed = selling_days(period.start, min(period.end, today + dt.timedelta(days=1)))
    actual_value = float(actual)
    if today >= period.end - dt.timedelta(days=1) and today >= period.start:
        projection = actual_value
    elif elapsed > 0:
        projection = actual_value / elapsed * total_days
    else:
        projection = None
    target_value = None if target is None else float(target)
    return {
        "actual": actual_value,
        "attainment": actual_value / target_value if target_value else None,
        "projection": projection,
        "projected_attainment": projection / target_value
        if projection is not None and target_value
        else None,
        "selling_days_elapsed": elapsed,
        "selling_days_total": total_days,
    }


GOAL_COLUMNS = [
    "goal_id",
    "period",
    "period_kind",
    "scope_kind",
    "scope_id",
    "scope",
    "metric",
    "target",
    "actual",
    "attainment",
    "projection",
    "projected_attainment",
    "selling_days_elapsed",
    "selling_days_total",
    "children",
    "children_total",
    "difference",
    "adds_up",
    "split_warning",
    "version",
    "parent_goal_id",
    "updated_by",
    "updated_at",
    "period_start",
    "period_end",
]


def load_goals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    window: GoalPeriod | None = None,
    metric: str | None = None,
    period_kind: str | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The goals the viewer may see whose period lies inside `window`, each with its actual to
    date, attainment, run-rate projection and whether its children add up."""
    today = today or dt.date.today()
    fiscal_start = fiscal_year_start(cur)
    rows = _goal_rows(cur, viewer.scope_params(), window, period_kind, metric)
    goals = [_goal_from_row(row, fiscal_start) for row in rows]
    actuals = measure_actuals(
        cur,
        viewer,
        [
            MeasureItem(
                goal.scope_kind, goal.scope_id, goal.metric, goal.period.start, goal.period.end
            )
            for goal in goals
        ],
        _end_of(today),
    )
    records = []
    for goal, actual in zip(goals, actuals, strict=True):
        figures = attainment_figures(goal.target, actual, goal.period, today)
        difference = (
            float(goal.children_total - goal.target) if goal.children_total is not None else None
        )
        records.append(
            {
                "goal_id": goal.goal_id,
                "period": goal.period.label,
                "period_kind": goal.period.kind,
                "scope_kind": goal.scope_kind,
                "scope_id": goal.scope_id,
                "scope": "Company" if goal.scope_kind == "company" else goal.scope_name,
                "metric": goal.metric,
                "target": float(goal.target),
                **figures,
                "children": goal.children,
                "children_total": None
                if goal.children_total is None
                else float(goal.children_total),
                "difference": difference,
                "adds_up": None if difference is None else difference == 0,
                "split_warning": goal.split_warning,
                "version": goal.version,
                "parent_goal_id": goal.parent_goal_id,
                "updated_by": goal.updated_by_name,
                "updated_at": goal.updated_at,
                "period_start": goal.period.start,
                "period_end": goal.period.end,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=GOAL_COLUMNS)
    for column in ("scope_id", "parent_goal_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load_goal_history(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, goal_ids: Iterable[int]
) -> pd.DataFrame:
    """Every version of the given goals the viewer may see, newest first (who, when, old, new)."""
    seen = {int(row["goal_id"]) for row in _goal_rows(cur, viewer.scope_params())}
    visible = [int(goal_id) for goal_id in goal_ids if int(goal_id) in seen]
    frame = sql.fetch_df(cur, "goals/list_goal_versions", goal_ids=visible or [-1])
    for column in ("old_target", "new_target"):
        frame[column] = frame[column].astype(float)
    return frame


# ------------------------------------------------------------------------------------ writes


@dataclass(frozen=True)
class GoalChange:
    """What a save did to one goal."""

    goal_id: int
    action: str  # created | updated | unchanged
    version: int
    old_target: Decimal | None
    new_target: Decimal
    label: str


def _stale_message(goal: Goal, what: str = "this goal") -> str:
    return (
        f"Someone saved {what} ({goal.label}) meanwhile: it is now "
        f"{format_value(goal.metric, goal.target)} "
        f"(version {goal.version}{saved_by(goal.updated_by_name, goal.updated_at)}). "
        "Nothing was changed; reload and apply your change again."
    )


def _exists_message(goal: Goal) -> str:
    return (
        f"A goal for {goal.label} exists already: "
        f"{format_value(goal.metric, goal.target)} (version {goal.version}). "
        "Nothing was changed; edit that goal instead."
    )


@contextmanager
def transaction(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """db.transaction() for saves that may create goals (set, split, import): when the
    database refuses a new goal because another process created the same one meanwhile, the
    save is rolled back and refused as if that goal had been there before, with its value."""
    try:
        with db.transaction() as cur:
            yield cur
    except GoalTaken as taken:
        raise _taken_refusal(db, taken) from taken


def _taken_refusal(db: Database, taken: GoalTaken) -> StaleVersion:
    """The refusal for a goal whose key was taken, read after the rollback (so it sees the goal
    the other process committed)."""
    with db.reading() as cur:
        existing = find_goal(cur, taken.scope_kind, taken.scope_id, taken.period, taken.metric)
    if existing is None:
        return taken
    if taken.what is None:
        return StaleVersion(_exists_message(existing))
    return StaleVersion(_stale_message(existing, taken.what))


def _update_target(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    goal: Goal,
    target: Decimal,
    expected_version: int,
    change_kind: str,
    note: str | None,
    now: dt.datetime,
    what: str = "this goal",
) -> GoalChange:
    if expected_version != goal.version:
        raise StaleVersion(_stale_message(goal, what))
    if target == goal.target:
        return GoalChange(goal.goal_id, "unchanged", goal.version, goal.target, target, goal.label)
    row = sql.fetch_one(
        cur,
        "goals/update_goal_target",
        goal_id=goal.goal_id,
        target=target,
        expected_version=expected_version,
        user_id=viewer.user_id,
        changed_at=now,
    )
    if row is None:
        raise StaleVersion(_stale_message(get_goal(cur, goal.goal_id), what))
    version = int(row["version"])
    sql.execute(
        cur,
        "goals/insert_goal_version",
        goal_id=goal.goal_id,
        version=version,
        change_kind=change_kind,
        old_target=goal.target,
        new_target=target,
        user_id=viewer.user_id,
        changed_at=now,
        note=note,
    )
    record_audit(
        cur,
        viewer.user_id,
        change_kind,
        "goals",
        goal.goal_id,
        f"{goal.label}: {goal.target} -> {target} (version {version})",
    )
    return GoalChange(goal.goal_id, "updated", version, goal.target, target, goal.label)


def _insert_goal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: dict[str, Any],
    period: GoalPeriod,
    metric: str,
    target: Decimal,
    parent_goal_id: int | None,
    change_kind: str,
    note: str | None,
    now: dt.datetime,
    what: str | None = None,
) -> GoalChange:
    """Create a goal at version 1 and claim its key (scope, period, metric): the database
    refuses a second goal for the key with GoalTaken (`what`: the split child it is)."""
    scope_name = "Company" if scope["scope_kind"] == "company" else scope["scope_name"]
    label = f"{scope_name} · {period.label} · {METRICS[metric]}"
    row = sql.fetch_one(
        cur,
        "goals/insert_goal",
        parent_goal_id=parent_goal_id,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        subject_kind=scope["scope_kind"],
        subject_id=scope["scope_id"],
        metric=metric,
        target=target,
        split_warning=None,
        user_id=viewer.user_id,
        changed_at=now,
    )
    goal_id = int(row["goal_id"])
    try:
        sql.execute(cur, "goals/insert_goal_key", goal_id=goal_id)
    except duckdb.ConstraintException as error:
        raise GoalTaken(
            scope["scope_kind"], scope["scope_id"], period, metric, label, what
        ) from error
    sql.execute(
        cur,
        "goals/insert_goal_version",
        goal_id=goal_id,
        version=1,
        change_kind="created" if change_kind == "edited" else change_kind,
        old_target=None,
        new_target=target,
        user_id=viewer.user_id,
        changed_at=now,
        note=note,
    )
    record_audit(cur, viewer.user_id, "create", "goals", goal_id, f"{label}: {target}")
    return GoalChange(goal_id, "created", 1, None, target, label)


def _auto_parent(
    cur: duckdb.DuckDBPyConnection,
    scopes: pd.DataFrame,
    scope: dict[str, Any],
    period: GoalPeriod,
    metric: str,
) -> int | None:
    above = parent_scope(scopes, scope["scope_kind"], scope["scope_id"])
    if above is None:
        return None
    parent = sql.fetch_one(
        cur,
        "goals/find_goal",
        subject_kind=above[0],
        subject_id=above[1],
        period_kind=period.kind,
        period_start=period.start,
        metric=metric,
    )
    return None if parent is None else int(parent["goal_id"])


def set_goal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: GoalPeriod,
    metric: str,
    target: Any,
    expected_version: int | None = None,
    change_kind: str = "edited",
    note: str | None = None,
    now: dt.datetime | None = None,
) -> GoalChange:
    """Create the goal for a scope, period and metric, or change its target.

    `expected_version` is the version the editor started from (None: they saw no goal); a
    goal saved by someone else meanwhile is refused with its current value. A new goal is
    linked to the goal of the scope above it for the same period and metric, when one exists.
    Run inside `transaction(db)`: the database holds one goal per scope, period and metric.
    """
    now = now or dt.datetime.now()
    scopes = load_scopes(cur)
    scope = find_scope(scopes, scope_kind, scope_id)
    check_metric_for_scope(metric, scope["scope_kind"])
    value = check_target(metric, target)
    check_can_edit(cur, viewer, scope["scope_kind"], scope["scope_id"], scope["scope_name"])
    existing = find_goal(cur, scope["scope_kind"], scope["scope_id"], period, metric)
    if existing is not None:
        if expected_version is None:
            raise StaleVersion(_exists_message(existing))
        return _update_target(
            cur, viewer, existing, value, expected_version, change_kind, note, now
        )
    if expected_version is not None:
        raise StaleVersion(
            "The goal you were editing no longer exists. Nothing was changed; reload the page."
        )
    parent_goal_id = _auto_parent(cur, scopes, scope, period, metric)
    return _insert_goal(
        cur, viewer, scope, period, metric, value, parent_goal_id, change_kind, note, now
    )


def edit_goal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    goal_id: int,
    target: Any,
    expected_version: int,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> GoalChange:
    """Change one goal's target, refusing a stale version (someone saved meanwhile)."""
    goal = get_goal(cur, goal_id, viewer)
    value = check_target(goal.metric, target)
    check_can_edit(cur, viewer, goal.scope_kind, goal.scope_id, goal.scope_name)
    return _update_target(
        cur, viewer, goal, value, int(expected_version), "edited", note, now or dt.datetime.now()
    )


# ------------------------------------------------------------------------------------ splits


def allocate(
    total: Decimal, weights: Sequence[Any], unit: Decimal = Decimal("0.01")
) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in whole `unit`s, so the parts add up exactly
    (largest remainder: every part gets its floor, the units left go to the largest remainders,
    earlier parts first on ties). All-zero weights split evenly."""
    if not weights:
        return []
    units = Decimal(total) / unit
    if units != units.to_integral_value():
        raise ValidationError(f"{total} cannot be split in steps of {unit}.")
    whole = int(units)
    shares = [Fraction(Decimal(str(weight))) for weight in weights]
    if any(share < 0 for share in shares):
        raise ValidationError("A split cannot use negative shares.")
    if sum(shares) == 0:
        shares = [Fraction(1)] * len(shares)
    basis = sum(shares)
    quotas = [whole * share / basis for share in shares]
    floors = [quota.numerator // quota.denominator for quota in quotas]
    left = whole - sum(floors)
    order = sorted(range(len(quotas)), key=lambda index: (-(quotas[index] - floors[index]), index))
    for index in order[:left]:
        floors[index] += 1
    return [Decimal(part) * unit for part in floors]


def unit_for(metric: str) -> Decimal:
    """The step a target moves in: whole numbers for counts, cents for bookings."""
    return Decimal("1") if metric in COUNT_METRICS else Decimal("0.01")


@dataclass(frozen=True)
class SplitCheck:
    """Whether children add up to their parent: their total and total - parent."""

    parent_target: Decimal
    total: Decimal
    difference: Decimal
    metric: str

    @property
    def adds_up(self) -> bool:
        return self.difference == 0

    @property
    def message(self) -> str:
        total = format_value(self.metric, self.total)
        parent = format_value(self.metric, self.parent_target)
        if self.adds_up:
            return f"The children add up to the goal: {total}."
        gap = format_value(self.metric, abs(self.difference))
        side = "short of" if self.difference < 0 else "more than"
        return f"Does not add up: the children total {total}, {gap} {side} the goal of {parent}."


def check_split(parent_target: Decimal, targets: Iterable[Any], metric: str) -> SplitCheck:
    """Sum the children's targets and compare with the parent's."""
    total = sum((Decimal(str(value)) for value in targets), Decimal("0"))
    parent = Decimal(str(parent_target))
    return SplitCheck(parent, total, total - parent, metric)


@dataclass
class SplitProposal:
    """A proposed split of a goal: one row per child with the suggested target."""

    goal: Goal
    method: str
    frame: pd.DataFrame
    note: str = ""
    basis_label: str = ""


SPLIT_COLUMNS = [
    "child",
    "period",
    "scope_kind",
    "scope_id",
    "period_kind",
    "period_start",
    "period_end",
    "goal_id",
    "version",
    "current_target",
    "basis",
    "share",
    "target",
]


def _split_targets(
    scopes: pd.DataFrame, goal: Goal, method: str, sub_kind: str, fiscal_start: int
) -> list[tuple[dict[str, Any], GoalPeriod]]:
    if method == "seasonality":
        scope = find_scope(scopes, goal.scope_kind, goal.scope_id)
        return [(scope, part) for part in goal.period.sub_periods(sub_kind, fiscal_start)]
    children = child_scopes(scopes, goal.scope_kind, goal.scope_id)
    if children.empty:
        raise ValidationError(
            f"{scope_label(goal.scope_kind, goal.scope_name, capital=True)} has nothing below it "
            "to split over; split it over shorter periods (seasonality) instead."
        )
    rows = []
    for row in children.to_dict("records"):
        row["scope_id"] = _optional_int(row["scope_id"])
        rows.append((row, goal.period))
    return rows


def propose_split(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    goal_id: int,
    method: str,
    sub_kind: str = "month",
    today: dt.date | None = None,
) -> SplitProposal:
    """Suggest targets for a goal's children: evenly, by the children's share of last year's
    actuals (same metric, same period a year earlier), or by last year's seasonality (the
    goal's scope over its months or quarters a year earlier). Targets add up exactly."""
    if method not in SPLIT_METHODS:
        raise ValidationError(f"Split {method!r}? Choose one of {', '.join(SPLIT_METHODS)}.")
    goal = get_goal(cur, goal_id, viewer)
    fiscal_start = fiscal_year_start(cur)
    scopes = load_scopes(cur)
    targets = _split_targets(scopes, goal, method, sub_kind, fiscal_start)
    existing = {
        (
            row["scope_kind"],
            _optional_int(row["scope_id"]),
            row["period_kind"],
            pd.Timestamp(row["period_start"]).date(),
        ): row
        for row in _goal_rows(cur, _ALL, goal.period, metric=goal.metric)
    }
    note, basis_label = "", ""
    if method == "even":
        weights = [1] * len(targets)
        basis = [None] * len(targets)
    else:
        last_year = [
            MeasureItem(
                scope["scope_kind"],
                scope["scope_id"],
                goal.metric,
                _add_months(period.start, -12),
                _add_months(period.end, -12),
            )
            for scope, period in targets
        ]
        basis = measure_actuals(cur, viewer, last_year, _end_of(_add_months(goal.period.end, -12)))
        weights = list(basis)
        previous = goal.period.shifted_years(-1, fiscal_start).label
        basis_label = f"{METRICS[goal.metric]} in {previous}"
        if sum(basis) == 0:
            note = (
                f"There were no {METRICS[goal.metric].lower()} to go by in {previous}, so the "
                "goal is split evenly."
            )
    if not sum(Decimal(str(weight)) for weight in weights):
        weights = [1] * len(targets)
    parts = allocate(goal.target, weights, unit_for(goal.metric))
    total_weight = sum(Decimal(str(weight)) for weight in weights)
    records = []
    for (scope, period), part, weight, base in zip(targets, parts, weights, basis, strict=True):
        current = existing.get((scope["scope_kind"], scope["scope_id"], period.kind, period.start))
        name = "Company" if scope["scope_kind"] == "company" else scope["scope_name"]
        records.append(
            {
                "child": name if method != "seasonality" else period.label,
                "period": period.label,
                "scope_kind": scope["scope_kind"],
                "scope_id": scope["scope_id"],
                "period_kind": period.kind,
                "period_start": period.start,
                "period_end": period.end,
                "goal_id": None if current is None else int(current["goal_id"]),
                "version": None if current is None else int(current["version"]),
                "current_target": None if current is None else float(current["target"]),
                "basis": None if base is None else float(base),
                "share": float(Decimal(str(weight)) / total_weight),
                "target": float(part),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=SPLIT_COLUMNS)
    for column in ("goal_id", "version", "scope_id"):
        frame[column] = frame[column].astype("Int64")
    return SplitProposal(goal, method, frame, note, basis_label)


@dataclass(frozen=True)
class SplitResult:
    """What saving a split did."""

    created: int
    updated: int
    unchanged: int
    check: SplitCheck
    warning: str | None
    changes: list[GoalChange] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = (
            f"Saved the split: {self.created} goals created, {self.updated} changed, "
            f"{self.unchanged} unchanged."
        )
        return text + (f" Kept with a warning: {self.warning}" if self.warning else "")


def save_split(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    goal_id: int,
    parent_version: int,
    children: pd.DataFrame,
    on_mismatch: str = "block",
    now: dt.datetime | None = None,
) -> SplitResult:
    """Save the children of a split (rows as from propose_split, targets possibly edited).

    A split that does not add up is refused (on_mismatch='block') or saved with a warning kept
    on the parent goal (on_mismatch='keep'). Every child needs a target (>= 0); a child goal or
    parent saved by someone else meanwhile is refused. Run inside `transaction(db)`.
    """
    if on_mismatch not in MISMATCH_CHOICES:
        raise ValidationError(f"On a mismatch choose 'block' or 'keep', not {on_mismatch!r}.")
    now = now or dt.datetime.now()
    parent = get_goal(cur, goal_id, viewer)
    check_can_edit(cur, viewer, parent.scope_kind, parent.scope_id, parent.scope_name)
    if int(parent_version) != parent.version:
        raise StaleVersion(_stale_message(parent, "the goal being split"))
    if children is None or children.empty:
        raise ValidationError("There are no children to save.")
    problems, targets = [], []
    for number, row in enumerate(children.to_dict("records"), start=1):
        try:
            targets.append(check_target(parent.metric, row.get("target")))
        except ValidationError as error:
            problems.append(f"row {number} ({row.get('child')}): {error}")
    if problems:
        raise ValidationError("Nothing was saved. " + " ".join(problems))
    check = check_split(parent.target, targets, parent.metric)
    if not check.adds_up and on_mismatch == "block":
        raise ValidationError(
            f"{check.message} Nothing was saved: change the targets, or choose to keep the "
            "split with a warning."
        )
    scopes = load_scopes(cur)
    fiscal_start = fiscal_year_start(cur)
    changes: list[GoalChange] = []
    for row, target in zip(children.to_dict("records"), targets, strict=True):
        scope = find_scope(scopes, row["scope_kind"], _optional_int(row["scope_id"]))
        check_can_edit(cur, viewer, scope["scope_kind"], scope["scope_id"], scope["scope_name"])
        period = make_period(
            row["period_kind"], pd.Timestamp(row["period_start"]).date(), fiscal_start
        )
        if not (parent.period.start <= period.start and period.end <= parent.period.end):
            raise ValidationError(
                f"{period.label} lies outside the goal's period {parent.period.label}."
            )
        existing = find_goal(cur, scope["scope_kind"], scope["scope_id"], period, parent.metric)
        if existing is not None and existing.goal_id == parent.goal_id:
            raise ValidationError("A goal cannot be its own child.")
        expected = _optional_int(row.get("version"))
        if existing is None:
            if expected is not None:
                raise StaleVersion(
                    f"The goal for {row.get('child')} was removed meanwhile. Nothing was changed; reload."
                )
            changes.append(
                _insert_goal(
                    cur,
                    viewer,
                    scope,
                    period,
                    parent.metric,
                    target,
                    parent.goal_id,
                    "split",
                    f"split of goal {parent.goal_id}",
                    now,
                    f"the goal for {row.get('child')}",
                )
            )
            continue
        if expected is None:
            raise StaleVersion(_stale_message(existing, f"the goal for {row.get('child')}"))
        changes.append(
            _update_target(
                cur,
                viewer,
                existing,
                target,
                expected,
                "split",
                f"split of goal {parent.goal_id}",
                now,
                f"the goal for {row.get('child')}",
            )
        )
        if existing.parent_goal_id != parent.goal_id:
            sql.execute(
                cur,
                "goals/set_goal_parent",
                goal_id=existing.goal_id,
                parent_goal_id=parent.goal_id,
            )
    warning = None
    if not check.adds_up:
        warning = f"{check.message} Kept by {viewer.display_name} on {now:%Y-%m-%d %H:%M}."
    if warning != parent.split_warning:
        sql.execute(cur, "goals/set_split_warning", goal_id=parent.goal_id, split_warning=warning)
    record_audit(
        cur,
        viewer.user_id,
        "split",
        "goals",
        parent.goal_id,
        f"{parent.label} over {len(changes)} children: total {check.total}"
        + (" (kept although it does not add up)" if warning else ""),
    )
    counts = {
        action: sum(change.action == action for change in changes)
        for action in ("created", "updated", "unchanged")
    }
    return SplitResult(
        counts["created"], counts["updated"], counts["unchanged"], check, warning, changes
    )


# ----------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    """What a goal import did (or, on a dry run, would do)."""

    rows: int
    good: int
    bad: int
    created: int
    updated: int
    unchanged: int
    saved: bool
    problems: list[tuple[int, str]]
    checked: pd.DataFrame

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "good": self.good,
            "bad": self.bad,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "saved": self.saved,
            "errors": [{"row": row, "reason": reason} for row, reason in self.problems],
        }


def read_goal_csv(content: bytes | str) -> list[dict[str, Any]]:
    """The rows of a goal file (columns scope, period, metric, target), numbered as in a
    spreadsheet (the header is row 1)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text; save it as CSV (UTF-8).") from None
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise ValidationError("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # newline='': a bare CR (old Mac line ends, mixed files) ends a row instead of failing
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise ValidationError("The file is empty.") from None
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            f"The file needs the columns {', '.join(IMPORT_COLUMNS)}; missing: {', '.join(missing)} "
            f"(found: {', '.join(header) or 'none'})."
        )
    positions = {column: header.index(column) for column in IMPORT_COLUMNS}
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            {
                "row": number,
                **{
                    column: cells[position].strip() if position < len(cells) else ""
                    for column, position in positions.items()
                },
            }
        )
    if not rows:
        raise ValidationError("The file has a header but no rows.")
    return rows


def _reason(text: str) -> str:
    """A message as part of a sentence: no final full stop, lower-case first word."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        text = text[0].lower() + text[1:]
    return text


def _parse_metric(text: str) -> str:
    key = str(text or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key in METRICS:
        return key
    raise ValidationError(f"metric {text!r} is unknown; use one of {', '.join(METRICS)}")


IMPORT_CHECK_COLUMNS = [
    "row",
    "scope",
    "period",
    "metric",
    "target",
    "action",
    "reason",
    "current_target",
    "scope_kind",
    "scope_id",
    "scope_name",
    "period_kind",
    "period_start",
    "metric_key",
    "target_value",
    "goal_id",
    "version",
]


def check_goal_import(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, content: bytes | str
) -> pd.DataFrame:
    """Check every row of a goal file: what it would do (create, update, unchanged) or why it
    is refused (unknown scope, bad period, unknown metric, bad target, no permission, a
    duplicate of an earlier row)."""
    rows = read_goal_csv(content)
    scopes = load_scopes(cur)
    fiscal_start = fiscal_year_start(cur)
    seen: dict[tuple, int] = {}
    checked = []
    for raw in rows:
        record = {column: None for column in IMPORT_CHECK_COLUMNS}
        record.update({key: raw[key] for key in ("row", *IMPORT_COLUMNS)})
        reasons = []
        scope = period = metric = None
        try:
            scope = resolve_scope(scopes, raw["scope"])
        except ValidationError as error:
            reasons.append(str(error))
        try:
            period = parse_period(raw["period"], fiscal_start)
        except ValidationError as error:
            reasons.append(str(error))
        try:
            metric = _parse_metric(raw["metric"])
        except ValidationError as error:
            reasons.append(str(error))
        value = None
        try:
            value = check_target(metric or "bookings", raw["target"])
        except ValidationError as error:
            reasons.append(str(error))
        if scope is not None and metric is not None:
            try:
                check_metric_for_scope(metric, scope["scope_kind"])
            except ValidationError as error:
                reasons.append(str(error))
        if scope is not None and not reasons:
            try:
                check_can_edit(
                    cur, viewer, scope["scope_kind"], scope["scope_id"], scope["scope_name"]
                )
            except PermissionDenied as error:
                reasons.append(str(error))
        if not reasons:
            key = (scope["scope_kind"], scope["scope_id"], period.kind, period.start, metric)
            if key in seen:
                reasons.append(f"sets the same goal as row {seen[key]}")
            else:
                seen[key] = raw["row"]
        if reasons:
            record.update(action="refused", reason="; ".join(_reason(text) for text in reasons))
            checked.append(record)
            continue
        existing = find_goal(cur, scope["scope_kind"], scope["scope_id"], period, metric)
        record.update(
            scope_kind=scope["scope_kind"],
            scope_id=scope["scope_id"],
            scope_name=scope["scope_name"],
            period_kind=period.kind,
            period_start=period.start,
            metric_key=metric,
            target_value=float(value),
            reason="",
        )
        if existing is None:
            record.update(action="create")
        else:
            record.update(
                action="unchanged" if existing.target == value else "update",
                current_target=float(existing.target),
                goal_id=existing.goal_id,
                version=existing.version,
            )
        checked.append(record)
    frame = pd.DataFrame.from_records(checked, columns=IMPORT_CHECK_COLUMNS)
    for column in ("scope_id", "goal_id", "version"):
        frame[column] = frame[column].astype("Int64")
    return frame


def import_goals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    content: bytes | str,
    good_only: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import goal targets from CSV (scope, period, metric, target). Any bad row refuses the
    whole file (ImportRefused, nothing saved) unless good_only: then only the good rows are
    saved. A dry run checks and saves nothing. Run inside `transaction(db)`."""
    now = now or dt.datetime.now()
    checked = check_goal_import(cur, viewer, content)
    bad = checked[checked["action"] == "refused"]
    good = checked[checked["action"] != "refused"]
    problems = [(int(row.row), str(row.reason)) for row in bad.itertuples()]
    counts = {
        action: int((good["action"] == action).sum())
        for action in ("create", "update", "unchanged")
    }
    if problems and not good_only and not dry_run:
        listed = "; ".join(f"row {row}: {reason}" for row, reason in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise ImportRefused(
            f"{len(problems)} of {len(checked)} rows are refused, so nothing was saved: "
            f"{listed}{more}.",
            problems,
            checked,
        )
    saved = False
    if not dry_run:
        fiscal_start = fiscal_year_start(cur)
        for row in good.to_dict("records"):
            if row["action"] == "unchanged":
                continue
            period = make_period(row["period_kind"], row["period_start"], fiscal_start)
            set_goal(
                cur,
                viewer,
                row["scope_kind"],
                _optional_int(row["scope_id"]),
                period,
                row["metric_key"],
                Decimal(str(row["target_value"])),
                expected_version=_optional_int(row["version"]),
                change_kind="imported",
                note=f"imported (row {row['row']})",
                now=now,
            )
        saved = bool(counts["create"] or counts["update"])
        record_audit(
            cur,
            viewer.user_id,
            "import",
            "goals",
            None,
            f"{counts['create']} created, {counts['update']} updated, {len(problems)} rows refused",
        )
    return ImportResult(
        rows=len(checked),
        good=len(good),
        bad=len(problems),
        created=counts["create"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
        saved=saved,
        problems=problems,
        checked=checked,
    )


def goal_template_csv() -> str:
    """An example goal file people can start from."""
    return (
        "scope,period,metric,target\n"
        "company,2027-Q1,bookings,12000000\n"
        "team:Northeast,2027-Q1,bookings,1500000\n"
        "rep:4,2027-03,won_deals,6\n"
        "segment:Enterprise,FY2027,new_accounts,40\n"
    )
