"""Compensation plans (versioned: a change is a new version) and their assignment, with a
quota, to reps per quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.compensation.common import (
    PLAN_EDIT_ROLES,
    PLAN_VIEW_ROLES,
    audit,
    insert_rows,
    quarter_from_start,
    require_role,
    to_date,
    to_decimal,
)
from dashboard.compensation.engine import (
    MEASURES,
    Band,
    PlanTerms,
    Spiff,
    format_money,
    plan_problems,
)
from dashboard.errors import NotFoundError, ValidationError
from dashboard.metrics import Period

NO_SCOPE = {"scope_kind": "all", "scope_rep_id": None, "scope_team_id": None}


@dataclass(frozen=True)
class SavedPlan:
    plan_id: int
    version: int
    reassigned: int  # open-period assignments moved to the new version


def bands_from_rows(rows: Iterable[dict[str, Any]]) -> tuple[Band, ...]:
    """Bands from table rows with floor_pct, ceiling_pct (empty = no upper end) and rate."""
    bands = []
    for number, row in enumerate(rows, start=1):
        floor = to_decimal(row.get("floor_pct"), f"Band {number}: the floor", 2)
        ceiling = to_decimal(row.get("ceiling_pct"), f"Band {number}: the ceiling", 2)
        rate = to_decimal(row.get("rate"), f"Band {number}: the rate", 4)
        if floor is None and ceiling is None and rate is None:
            continue  # an empty row left in the editor
        if floor is None or rate is None:
            raise ValidationError(f"Band {number} needs a floor and a rate.")
        bands.append(Band(floor, ceiling, rate))
    return tuple(bands)


def spiffs_from_rows(rows: Iterable[dict[str, Any]]) -> tuple[Spiff, ...]:
    """SPIFFs from table rows (spiff_name, product_id, starts_on, ends_on, amount_per_deal,
    pct_of_amount); rows with no name and no bonus are skipped."""
    spiffs = []
    for number, row in enumerate(rows, start=1):
        name = str(row.get("spiff_name") or "").strip()
        amount = to_decimal(row.get("amount_per_deal"), f"SPIFF {number}: the amount", 2)
        pct = to_decimal(row.get("pct_of_amount"), f"SPIFF {number}: the percent", 4)
        product = row.get("product_id")
        if product is not None and product == product:  # not NaN
            try:
                product = int(product)
            except (TypeError, ValueError, OverflowError):
                raise ValidationError(f"SPIFF {number}: unknown product {product!r}") from None
        else:
            product = None
        if not name and amount is None and pct is None and product is None:
            continue
        spiffs.append(
            Spiff(
                name=name,
                product_id=product,
                starts_on=to_date(row.get("starts_on"), f"SPIFF {number}: the start"),
                ends_on=to_date(row.get("ends_on"), f"SPIFF {number}: the end"),
                amount_per_deal=amount or Decimal(0),
                pct_of_amount=pct or Decimal(0),
            )
        )
    return tuple(spiffs)


def build_terms(
    name: str,
    measure: str,
    target_incentive: Any,
    bands: Sequence[Band],
    cap_multiple: Any = None,
    clawback_days: Any = None,
    draw_amount: Any = 0,
    draw_is_recoverable: bool = True,
    spiffs: Sequence[Spiff] = (),
) -> PlanTerms:
    """Plan terms from a person's input (numbers as text or numbers), checked."""
    days = to_decimal(clawback_days, "The clawback window")
    if days is not None and days != days.to_integral_value():
        raise ValidationError("The clawback window is a whole number of days.")
    terms = PlanTerms(
        name=(name or "").strip(),
        measure=measure,
        target_incentive=to_decimal(target_incentive, "The target incentive", 2) or Decimal(0),
        bands=tuple(sorted(bands, key=lambda band: band.floor_pct)),
        cap_multiple=to_decimal(cap_multiple, "The cap", 4),
        clawback_days=None if days is None else int(days),
        draw_amount=to_decimal(draw_amount, "The draw", 2) or Decimal(0),
        draw_is_recoverable=bool(draw_is_recoverable),
        spiffs=tuple(spiffs),
    )
    return terms


def check_terms(cur: duckdb.DuckDBPyConnection, terms: PlanTerms) -> None:
    """Refuse plan terms with any problem, naming them all."""
    problems = plan_problems(terms)
    known_products = {row["product_id"] for row in sql.fetch_all(cur, "compensation/list_products")}
    for number, spiff in enumerate(terms.spiffs, start=1):
        if spiff.product_id is not None and spiff.product_id not in known_products:
            problems.append(
                f"SPIFF {number}: there is no active product with id {spiff.product_id}."
            )
    if problems:
        raise ValidationError(" ".join(problems))


def load_all_terms(cur: duckdb.DuckDBPyConnection) -> dict[tuple[int, int], PlanTerms]:
    """Every plan version's terms, by (plan_id, version)."""
    return _terms(cur, None)


def load_terms(
    cur: duckdb.DuckDBPyConnection, plan_id: int, version: int | None = None
) -> PlanTerms:
    """One plan version's terms (the latest version when none is given)."""
    versions = _terms(cur, plan_id)
    if not versions:
        raise NotFoundError(f"There is no compensation plan with id {plan_id}.")
    if version is None:
        version = max(number for _, number in versions)
    if (plan_id, version) not in versions:
        raise NotFoundError(f"Plan {plan_id} has no version {version}.")
    return versions[(plan_id, version)]


def _terms(cur: duckdb.DuckDBPyConnection, plan_id: int | None) -> dict[tuple[int, int], PlanTerms]:
    bands: dict[tuple[int, int], list[Band]] = {}
    for row in sql.fetch_all(cur, "compensation/list_plan_tiers", comp_plan_id=plan_id):
        bands.setdefault((row["plan_id"], row["version"]), []).append(
            Band(row["floor_pct"], row["ceiling_pct"], row["rate"])
        )
    spiffs: dict[tuple[int, int], list[Spiff]] = {}
    for row in sql.fetch_all(cur, "compensation/list_plan_spiffs", comp_plan_id=plan_id):
        spiffs.setdefault((row["plan_id"], row["version"]), []).append(
            Spiff(
                name=row["spiff_name"],
                product_id=row["product_id"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
                amount_per_deal=row["amount_per_deal"],
                pct_of_amount=row["pct_of_amount"],
                product_name=row["product_name"],
            )
        )
    terms = {}
    for row in sql.fetch_all(cur, "compensation/list_plan_versions", comp_plan_id=plan_id):
        key = (row["plan_id"], row["version"])
        terms[key] = PlanTerms(
            name=row["plan_name"],
            measure=row["measure"],
            target_incentive=row["target_incentive"],
            bands=tuple(bands.get(key, [])),
            cap_multiple=row["cap_multiple"],
            clawback_days=row["clawback_days"],
            draw_amount=row["draw_amount"],
            draw_is_recoverable=row["draw_is_recoverable"],
            spiffs=tuple(spiffs.get(key, [])),
            plan_id=row["plan_id"],
            version=row["version"],
        )
    return terms


def list_plans(cur: duckdb.DuckDBPyConnection, viewer: Viewer, quarter: Period) -> pd.DataFrame:
    """Every plan with its latest version's terms and the reps assigned to it in a quarter."""
    require_role(viewer, PLAN_VIEW_ROLES, "see compensation plans")
    return sql.fetch_df(cur, "compensation/list_plans", quarter_start=quarter.start)


def list_plan_versions(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int
) -> pd.DataFrame:
    """Every saved version of a plan with its terms, note, author and time."""
    require_role(viewer, PLAN_VIEW_ROLES, "see compensation plans")
    return sql.fetch_df(cur, "compensation/list_plan_versions", comp_plan_id=plan_id)


def describe_terms(terms: PlanTerms) -> list[str]:
    """The plan's terms in sentences, as a person would explain them."""
    lines = [
        f"Commission on {MEASURES.get(terms.measure, terms.measure).lower()}, target incentive "
        f"{format_money(terms.target_incentive)} per quarter at 100% of quota.",
    ]
    for number, band in enumerate(sorted(terms.bands, key=lambda band: band.floor_pct), start=1):
        lines.append(f"Band {number}: {band.label} ({band.kind}).")
    lines.append(
        "No cap."
        if terms.cap_multiple is None
        else f"Capped at {terms.cap_multiple.normalize():f}× the target incentive "
        f"({format_money(terms.cap_amount)})."
    )
    lines.append(
        "No clawbacks."
        if terms.clawback_days is None
        else f"Returns and cancellations within {terms.clawback_days} days of the order are clawed back."
    )
    if terms.draw_amount:
        kind = "recoverable" if terms.draw_is_recoverable else "non-recoverable"
        lines.append(f"Draw: {format_money(terms.draw_amount)} per quarter ({kind}).")
    lines.extend(f"SPIFF {spiff.label}." for spiff in terms.spiffs)
    return lines


def save_plan(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    terms: PlanTerms,
    description: str = "",
    change_note: str | None = None,
    plan_id: int | None = None,
    apply_to_open_quarters: bool = False,
    today: dt.date | None = None,
) -> SavedPlan:
    """Create a plan (version 1) or save new terms of an existing plan as its next version;
    optionally move the open quarters' assignments of the plan to the new version."""
    require_role(viewer, PLAN_EDIT_ROLES, "define compensation plans")
    check_terms(cur, terms)
    named = sql.fetch_one(cur, "compensation/get_plan_by_name", plan_name=terms.name)
    if plan_id is None:
        if named is not None:
            raise ValidationError(
                f"A plan named {named['plan_name']!r} exists already; open it to save a new version."
            )
        row = sql.fetch_one(
            cur,
            "compensation/insert_plan",
            plan_name=terms.name,
            plan_description=(description or "").strip(),
            saved_by=viewer.user_id or None,
        )
        plan_id, version = int(row["plan_id"]), 1
    else:
        current = load_terms(cur, plan_id)
        if named is not None and named["plan_id"] != plan_id:
            raise ValidationError(f"Another plan is named {named['plan_name']!r}.")
        if terms.name != current.name:
            raise ValidationError(
                "A plan keeps its name across versions; create a new plan instead."
            )
        if _comparable(terms) == _comparable(current):
            raise ValidationError("Nothing changed; no new version was saved.")
        version = (current.version or 0) + 1
    sql.execute(
        cur,
        "compensation/insert_plan_version",
        comp_plan_id=plan_id,
        plan_version=version,
        measure=terms.measure,
        target_incentive=terms.target_incentive,
        cap_multiple=terms.cap_multiple,
        clawback_days=terms.clawback_days,
        draw_amount=terms.draw_amount,
        draw_is_recoverable=terms.draw_is_recoverable,
        change_note=(change_note or "").strip() or ("Created" if version == 1 else None),
        saved_by=viewer.user_id or None,
    )
    for number, band in enumerate(sorted(terms.bands, key=lambda band: band.floor_pct), start=1):
        sql.execute(
            cur,
            "compensation/insert_plan_tier",
            comp_plan_id=plan_id,
            plan_version=version,
            band_no=number,
            floor_pct=band.floor_pct,
            ceiling_pct=band.ceiling_pct,
            rate=band.rate,
        )
    for number, spiff in enumerate(terms.spiffs, start=1):
        sql.execute(
            cur,
            "compensation/insert_spiff",
            comp_plan_id=plan_id,
            plan_version=version,
            spiff_no=number,
            spiff_name=spiff.name.strip(),
            product_id=spiff.product_id,
            starts_on=spiff.starts_on,
            ends_on=spiff.ends_on,
            amount_per_deal=spiff.amount_per_deal,
            pct_of_amount=spiff.pct_of_amount,
        )
    audit(
        cur,
        viewer,
        "create" if version == 1 else "new_version",
        "comp_plans",
        plan_id,
        f"{terms.name} v{version}" + (f": {change_note}" if change_note else ""),
    )
    reassigned = 0
    if apply_to_open_quarters and version > 1:
        reassigned = _move_open_assignments(cur, viewer, plan_id, version, today or dt.date.today())
    return SavedPlan(plan_id, version, reassigned)


def _comparable(terms: PlanTerms) -> PlanTerms:
    spiffs = tuple(replace(spiff, product_name=None) for spiff in terms.spiffs)
    bands = tuple(sorted(terms.bands, key=lambda band: band.floor_pct))
    return replace(terms, plan_id=None, version=None, spiffs=spiffs, bands=bands)


def list_products(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Active products a SPIFF can name."""
    return sql.fetch_df(cur, "compensation/list_products")


def _move_open_assignments(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int, version: int, today: dt.date
) -> int:
    closed = closed_quarter_starts(cur)
    last_closed = max(closed) if closed else dt.date.min
    rows = [
        {
            "rep_id": row["rep_id"],
            "period_start": row["period_start"],
            "period_end": row["period_end"],
            "plan_id": plan_id,
            "plan_version": version,
            "quota": row["quota"],
            "quota_source": row["quota_source"],
            "note": f"moved to v{version} of the plan",
        }
        for row in sql.fetch_all(
            cur,
            "compensation/list_assignments",
            range_start=dt.date(1900, 1, 1),
            range_end=dt.date(9999, 1, 1),
            only_rep_id=None,
            **NO_SCOPE,
        )
        if row["plan_id"] == plan_id
        and row["period_start"] > last_closed
        and row["plan_version"] != version
    ]
    return len(
        _insert_assignments(cur, viewer, rows, f"moved to version {version} of plan {plan_id}")
    )


def closed_quarter_starts(cur: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """First days of the closed quarters, oldest first."""
    return [row["period_start"] for row in sql.fetch_all(cur, "compensation/list_closed_periods")]


def default_quotas(cur: duckdb.DuckDBPyConnection, viewer: Viewer, quarter: Period) -> pd.DataFrame:
    """Per rep in scope: the bookings goal for the quarter (the default quota)."""
    require_role(viewer, PLAN_VIEW_ROLES, "see quotas")
    return sql.fetch_df(
        cur,
        "compensation/list_rep_goals",
        quarter_start=quarter.start,
        quarter_end=quarter.end,
        only_rep_id=None,
        **viewer.scope_params(),
    )


def assign_plan(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    rep_ids: Sequence[int],
    quarter: Period,
    plan_id: int,
    version: int | None = None,
    quota: Any = None,
    note: str | None = None,
) -> list[int]:
    """Assign a plan version (default: latest) to reps for a quarter, with a quota (default:
    each rep's bookings goal for the quarter); returns the new assignment ids."""
    require_role(viewer, PLAN_EDIT_ROLES, "assign compensation plans")
    quarter = quarter_from_start(quarter.start)
    if not rep_ids:
        raise ValidationError("Choose at least one rep.")
    closed = closed_quarter_starts(cur)
    if closed and quarter.start <= max(closed):
        raise ValidationError(
            f"{quarter.label} is closed or before the last closed quarter; its statements are "
            "frozen, so its plans cannot change."
        )
    terms = load_terms(cur, plan_id, version)
    manual = to_decimal(quota, "The quota", 2)
    if manual is not None and manual <= 0:
        raise ValidationError("A quota must be above zero.")
    goals = {
        row["rep_id"]: row
        for row in sql.fetch_all(
            cur,
            "compensation/list_rep_goals",
            quarter_start=quarter.start,
            quarter_end=quarter.end,
            only_rep_id=None,
            **viewer.scope_params(),
        )
    }
    missing = [rep_id for rep_id in rep_ids if rep_id not in goals]
    if missing:
        raise ValidationError(f"These reps are not in your scope or do not exist: {missing}.")
    no_goal = [
        goals[rep_id]["rep_name"]
        for rep_id in rep_ids
        if manual is None and not goals[rep_id]["goal"]
    ]
    if no_goal:
        raise ValidationError(
            f"No bookings goal for {quarter.label} to use as the quota of {', '.join(no_goal)}; "
            "enter a quota."
        )
    rows = [
        {
            "rep_id": rep_id,
            "period_start": quarter.start,
            "period_end": quarter.end,
            "plan_id": plan_id,
            "plan_version": terms.version,
            "quota": manual if manual is not None else goals[rep_id]["goal"],
            "quota_source": "manual" if manual is not None else "goal",
            "note": note,
        }
        for rep_id in dict.fromkeys(rep_ids)
    ]
    quota_text = "each rep's bookings goal" if manual is None else f"quota {manual}"
    ids = _insert_assignments(
        cur, viewer, rows, f"{terms.label} for {quarter.label} with {quota_text}"
    )
    return ids


ASSIGNMENT_COLUMNS = (
    "rep_id",
    "period_start",
    "period_end",
    "plan_id",
    "plan_version",
    "quota",
    "quota_source",
    "note",
    "assigned_by",
)


def _insert_assignments(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, rows: list[dict[str, Any]], what: str
) -> list[int]:
    """Append assignment rows in one statement and one audit record; returns their ids."""
    if not rows:
        return []
    for row in rows:
        row["assigned_by"] = viewer.user_id or None
        row["note"] = (row.get("note") or "").strip() or None
    inserted = insert_rows(
        cur, "compensation/insert_assignments", "comp_assignment_rows", ASSIGNMENT_COLUMNS, rows
    )
    ids = sorted(int(row["assignment_id"]) for row in inserted)
    audit(
        cur,
        viewer,
        "assign",
        "comp_assignments",
        f"{ids[0]}-{ids[-1]}" if len(ids) > 1 else ids[0],
        f"{what}: reps {', '.join(str(row['rep_id']) for row in rows)}",
    )
    return ids


def list_assignments(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, quarter: Period
) -> pd.DataFrame:
    """The assignment that applies per rep in scope for a quarter."""
    require_role(viewer, PLAN_VIEW_ROLES, "see plan assignments")
    return sql.fetch_df(
        cur,
        "compensation/list_assignments",
        range_start=quarter.start,
        range_end=quarter.end,
        only_rep_id=None,
        **viewer.scope_params(),
    )
