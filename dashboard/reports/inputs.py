"""Inputs some packs need that no other table holds: partners on deals, and sales &
marketing spend. Entered one at a time or as a CSV file; a file with one bad row changes
nothing and says which rows are wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.audit import record_audit
from dashboard.auth import Viewer
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError

PARTNER_ROLES = ("admin", "executive", "manager", "analyst")
SPEND_ROLES = ("admin", "executive", "analyst")
INVOLVEMENTS = ("sourced", "influenced")
PARTNER_KINDS = ("reseller", "referral", "alliance", "technology", "other")
SPEND_CATEGORIES = ("sales", "marketing")
MAX_UPLOAD_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 10

PARTNER_LINK_COLUMNS = {
    "opportunity_id": ("opportunity_id", "deal_id", "deal", "opportunity"),
    "partner": ("partner", "partner_name"),
    "involvement": ("involvement", "role", "type"),
    "partner_kind": ("partner_kind", "kind"),
    "note": ("note", "notes", "comment"),
}
SPEND_COLUMNS = {
    "month": ("month", "spend_month", "period"),
    "category": ("category", "type"),
    "amount": ("amount", "spend", "value"),
    "note": ("note", "notes", "comment"),
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


@dataclass(frozen=True)
class UploadSummary:
    rows: int
    written: int
    partners_created: int = 0


def _require(viewer: Viewer, roles: tuple[str, ...], what: str) -> None:
    if viewer.role not in roles:
        raise PermissionDenied(f"The {viewer.role} role cannot {what}.")


def _text(value: Any, field: str, required: bool = True, limit: int = 200) -> str | None:
    cleaned = "" if value is None else str(value).strip()
    if not cleaned:
        if required:
            raise ValidationError(f"{field} is missing")
        return None
    if len(cleaned) > limit:
        raise ValidationError(f"{field} holds at most {limit} characters")
    return cleaned


def add_partner(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, name: str, kind: str = "reseller"
) -> int:
    """Add a partner by name (refused when one of that name exists); returns its id."""
    _require(viewer, PARTNER_ROLES, "add partners")
    name = _text(name, "the partner's name")
    if kind not in PARTNER_KINDS:
        raise ValidationError(
            f"unknown partner kind {kind!r}; choose one of {', '.join(PARTNER_KINDS)}"
        )
    if sql.fetch_one(cur, "reports/get_partner_by_name", partner_name=name) is not None:
        raise ValidationError(f"a partner named {name!r} exists already")
    row = sql.fetch_one(
        cur,
        "reports/insert_partner",
        partner_name=name,
        partner_kind=kind,
        created_by=viewer.user_id or None,
    )
    record_audit(cur, viewer.user_id or None, "create", "partners", row["partner_id"], name)
    return int(row["partner_id"])


def _partner_id(cur: duckdb.DuckDBPyConnection, name: str) -> int | None:
    row = sql.fetch_one(cur, "reports/get_partner_by_name", partner_name=name)
    return int(row["partner_id"]) if row else None


def link_deal_partner(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    partner_id: int,
    involvement: str,
    note: str | None = None,
) -> int:
    """Record that a partner sourced or influenced a deal the viewer may see; returns the link id."""
    _require(viewer, PARTNER_ROLES, "link partners to deals")
    if involvement not in INVOLVEMENTS:
        raise ValidationError(f"involvement is 'sourced' or 'influenced', not {involvement!r}")
    deal = sql.fetch_one(
        cur, "reports/get_scoped_deal", **viewer.scope_params(), opportunity_id=int(opportunity_id)
    )
    if deal is None:
        raise NotFoundError(f"There is no deal #{opportunity_id} in your scope.")
    links = sql.fetch_all(cur, "reports/list_active_deal_links", opportunity_id=int(opportunity_id))
    for link in links:
        if link["partner_id"] == partner_id:
            raise ValidationError(
                f"{link['partner_name']} is linked to deal #{opportunity_id} already ({link['involvement']})."
            )
        if involvement == "sourced" and link["involvement"] == "sourced":
            raise ValidationError(
                f"Deal #{opportunity_id} was sourced by {link['partner_name']} already; a deal has "
                "one sourcing partner (remove that link first, or link this one as influenced)."
            )
    row = sql.fetch_one(
        cur,
        "reports/insert_deal_partner",
        opportunity_id=int(opportunity_id),
        partner_id=int(partner_id),
        involvement=involvement,
        note=_text(note, "the note", required=False, limit=1000),
        created_by=viewer.user_id or None,
    )
    record_audit(
        cur,
        viewer.user_id or None,
        "link",
        "deal_partners",
        row["link_id"],
        f"deal {opportunity_id} {involvement} by partner {partner_id}",
    )
    return int(row["link_id"])


def remove_deal_partner(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, link_id: int, reason: str
) -> None:
    """Mark a partner link as removed (the record stays, with who, when and why)."""
    _require(viewer, PARTNER_ROLES, "remove partner links")
    link = sql.fetch_one(cur, "reports/get_deal_partner", link_id=link_id)
    visible = link is not None and sql.fetch_one(
        cur,
        "reports/get_scoped_deal",
        **viewer.scope_params(),
        opportunity_id=link["opportunity_id"],
    )
    if not visible:
        raise NotFoundError(f"There is no partner link #{link_id} in your scope.")
    reason = _text(reason, "the reason for removing the link", limit=1000)
    if (
        sql.fetch_one(
            cur,
            "reports/remove_deal_partner",
            link_id=link_id,
            removed_by=viewer.user_id or None,
            removal_reason=reason,
        )
        is None
    ):
        raise ValidationError(f"Partner link #{link_id} was removed already.")
    record_audit(cur, viewer.user_id or None, "unlink", "deal_partners", link_id, reason)


def list_partners(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Every partner with its active sourced and influenced deal links."""
    _require(viewer, PARTNER_ROLES, "see partners")
    return sql.fetch_df(cur, "reports/list_partners")


def list_deal_partners(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Partner links of the deals the viewer may see, removed ones included."""
    _require(viewer, PARTNER_ROLES, "see partner links")
    return sql.fetch_df(cur, "reports/list_deal_partners", **viewer.scope_params())


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.day != 1:
            raise ValidationError(f"a spend month is the first day of a month, not {value}")
        return value
    match = _MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValidationError(f"month must look like 2026-07, not {value!r}")
    return dt.date(int(match[1]), int(match[2]), 1)


def _amount(value: Any) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", "").replace("$", "")
    try:
        amount = round(Decimal(text), 2)
    except InvalidOperation:
        raise ValidationError(f"amount must be a number, not {value!r}") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e15"):
        raise ValidationError(f"amount must be a number, not {value!r}")
    if amount == 0:
        raise ValidationError("an amount of zero changes nothing; leave it out")
    return amount


def add_spend(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    month: Any,
    category: str,
    amount: Any,
    note: str | None = None,
) -> int:
    """Append a sales or marketing spend entry for a month (negative corrects); returns its id."""
    _require(viewer, SPEND_ROLES, "enter sales & marketing spend")
    if category not in SPEND_CATEGORIES:
        raise ValidationError(f"category is 'sales' or 'marketing', not {category!r}")
    row = sql.fetch_one(
        cur,
        "reports/insert_spend",
        spend_month=_month(month),
        category=category,
        amount=_amount(amount),
        note=_text(note, "the note", required=False, limit=1000),
        entered_by=viewer.user_id or None,
    )
    record_audit(
        cur, viewer.user_id or None, "create", "sm_spend", row["spend_id"], f"{category} {amount}"
    )
    return int(row["spend_id"])


def list_spend(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Every spend entry, newest month first."""
    _require(viewer, SPEND_ROLES, "see sales & marketing spend")
    return sql.fetch_df(cur, "reports/list_spend")


def _read_csv(
    data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> list[dict[str, str]]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"the file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("the file is not UTF-8 text; save it as CSV UTF-8") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    # newline='': a bare CR (old Mac line ends, mixed files) ends a row instead of failing
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationError("the file is empty")
    names = [name.strip().lower().replace(" ", "_") for name in header]
    positions = {}
    for field, aliases in columns.items():
        for alias in aliases:
            if alias in names:
                positions[field] = names.index(alias)
                break
    missing = [field for field in required if field not in positions]
    if missing:
        raise ValidationError(
            f"the file needs the column(s) {', '.join(missing)}; it has {', '.join(header)}"
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        rows.append(
            {
                field: values[index] if index < len(values) else ""
                for field, index in positions.items()
            }
        )
    if not rows:
        raise ValidationError("the file has a header but no rows")
    return rows


def _raise_row_errors(errors: list[str], total: int) -> None:
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = (
            f" (and {len(errors) - MAX_ERRORS_SHOWN} more)"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        raise ValidationError(
            f"Nothing was saved: {len(errors)} of {total} rows are wrong: {shown}{more}."
        )


def upload_deal_partners(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, data: bytes
) -> UploadSummary:
    """Link partners to deals from a CSV (opportunity_id, partner, involvement[, partner_kind,
    note]); unknown partners are added. All rows or none."""
    _require(viewer, PARTNER_ROLES, "link partners to deals")
    rows = _read_csv(data, PARTNER_LINK_COLUMNS, ("opportunity_id", "partner", "involvement"))
    errors, created, written = [], 0, 0
    for number, row in enumerate(rows, start=2):
        try:
            try:
                opportunity_id = int(str(row["opportunity_id"]).strip())
            except ValueError:
                raise ValidationError(
                    f"deal id must be a number, not {row['opportunity_id']!r}"
                ) from None
            name = _text(row["partner"], "partner")
            involvement = str(row["involvement"]).strip().lower()
            partner_id = _partner_id(cur, name)
            if partner_id is None:
                kind = (row.get("partner_kind") or "reseller").strip().lower() or "reseller"
                partner_id = add_partner(cur, viewer, name, kind)
                created += 1
            link_deal_partner(cur, viewer, opportunity_id, partner_id, involvement, row.get("note"))
            written += 1
        except (ValidationError, NotFoundError) as error:
            errors.append(f"row {number}: {error}")
    _raise_row_errors(errors, len(rows))
    return UploadSummary(rows=len(rows), written=written, partners_created=created)


def upload_spend(cur: duckdb.DuckDBPyConnection, viewer: Viewer, data: bytes) -> UploadSummary:
    """Append spend entries from a CSV (month, category, amount[, note]). All rows or none."""
    _require(viewer, SPEND_ROLES, "enter sales & marketing spend")
    rows = _read_csv(data, SPEND_COLUMNS, ("month", "category", "amount"))
    errors, written = [], 0
    for number, row in enumerate(rows, start=2):
        try:
            add_spend(
                cur,
                viewer,
                row["month"],
                str(row["category"]).strip().lower(),
                row["amount"],
                row.get("note"),
            )
            written += 1
        except ValidationError as error:
            errors.append(f"row {number}: {error}")
    _raise_row_errors(errors, len(rows))
    return UploadSummary(rows=len(rows), written=written)
