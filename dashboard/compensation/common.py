"""What every part of compensation shares: roles, quarters, parsing and the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import sql
from dashboard.audit import record_audit
from dashboard.auth import ROLE_LABELS, Viewer
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.metrics import Period, add_months

# Who may do what. Analysts load and check data; pay is personal data they do not need, so
# they see no statements, plans, what-ifs or payroll (they do see the leaderboards).
STATEMENT_ROLES = ("admin", "executive", "manager", "rep")
PLAN_VIEW_ROLES = ("admin", "executive", "manager")
PLAN_EDIT_ROLES = ("admin", "executive")
CLOSE_ROLES = ("admin", "executive")
PAYROLL_ROLES = ("admin", "executive")
WHATIF_ROLES = ("admin", "executive", "manager")
RAISE_DISPUTE_ROLES = ("rep",)
RESOLVE_DISPUTE_ROLES = ("admin", "manager")
RECOGNITION_ROLES = ("admin", "executive", "manager", "rep", "analyst")

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def require_role(viewer: Viewer, roles: tuple[str, ...], action: str) -> None:
    """Refuse the viewer unless their role is one of `roles`."""
    if viewer.role in roles:
        return
    reason = (
        " Pay is personal data, and the analyst role works with data loads, not pay."
        if viewer.role == "analyst"
        else ""
    )
    raise PermissionDenied(f"The {ROLE_LABELS[viewer.role]} role cannot {action}.{reason}")


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter containing a day."""
    return Period.quarter_of(day)


def next_quarter(period: Period) -> Period:
    """The quarter after a quarter."""
    return Period(period.end, add_months(period.end, 3))


def previous_quarter(period: Period) -> Period:
    """The quarter before a quarter."""
    return Period(add_months(period.start, -3), period.start)


def quarter_from_start(start: dt.date) -> Period:
    """The quarter that starts on `start` (refused when it is not a quarter's first day)."""
    period = quarter_of(start)
    if period.start != start:
        raise ValidationError(f"{start} is not the first day of a quarter")
    return period


def parse_quarter(text: str) -> Period:
    """A quarter written like 2026-Q3."""
    match = _QUARTER.match(text or "")
    if not match:
        raise ValidationError(f"{text!r} is not a quarter like 2026-Q3")
    year, number = int(match.group(1)), int(match.group(2))
    return quarter_of(dt.date(year, 3 * number - 2, 1))


def quarters_between(first: Period, last: Period) -> list[Period]:
    """Every quarter from `first` to `last`, both included, in order."""
    quarters, current = [], first
    while current.start <= last.start:
        quarters.append(current)
        current = next_quarter(current)
    return quarters


MAX_NUMBER = Decimal("1e16")  # the largest amount the money columns (DECIMAL(18, 2)) hold


def to_decimal(value: Any, what: str, places: int | None = None) -> Decimal | None:
    """A user's number as a Decimal (None for empty); ValidationError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        if value != value:  # NaN from an empty table cell
            return None
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValidationError(f"{what} must be a number, not {value!r}")
    if abs(number) >= MAX_NUMBER:  # before rounding: a huge number cannot be rounded
        raise ValidationError(f"{what} is too large ({value!r})")
    if places is not None:
        number = round(number, places)
    return number


def to_date(value: Any, what: str) -> dt.date | None:
    """A user's date (None for empty); ValidationError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        if value != value:  # NaT
            return None
        return value.to_pydatetime().date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{what} must be a date like 2026-12-31, not {value!r}") from None


def audit(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    action: str,
    entity: str,
    entity_id: object,
    detail: str | None = None,
) -> None:
    """Append one record to the audit log."""
    record_audit(cur, viewer.user_id or None, action, entity, entity_id, detail)


def insert_rows(
    cur: duckdb.DuckDBPyConnection,
    query: str,
    table_name: str,
    columns: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Run an insert that reads `table_name`, registered from rows (every value as text, so no
    digit is lost; the query casts), and return what it returns."""
    table = pa.table(
        {
            column: pa.array([_text(row.get(column)) for row in rows], type=pa.string())
            for column in columns
        }
    )
    cur.register(table_name, table)
    try:
        cursor = sql.execute(cur, query)
        if cursor.description is None:
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cur.unregister(table_name)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
