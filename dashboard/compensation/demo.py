"""Compensation in the demo workspace: two plans (one with a second version and a SPIFF),
assignments for the last four quarters and this one with each rep's bookings goal as quota,
the three oldest of those quarters closed, and a dispute on the demo rep's statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.compensation.common import previous_quarter, quarter_of
from dashboard.compensation.engine import Band, PlanTerms, Spiff
from dashboard.compensation.plans import assign_plan, save_plan
from dashboard.compensation.statements import (
    close_period,
    get_statement,
    raise_dispute,
    resolve_dispute,
)
from dashboard.errors import ValidationError

DEMO_ACTOR = Viewer(user_id=0, email="demo@localhost", display_name="Demo", role="admin")
INTERNATIONAL_REGION = "International"
QUARTERS_ASSIGNED = 5  # the four complete quarters before as_of, and as_of's quarter
QUARTERS_CLOSED = 3  # the oldest three of them; the fourth is open, ready to close


@dataclass(frozen=True)
class DemoCompensation:
    plans: int
    assignments: int
    closed_quarters: list[str]
    disputes: int


def _account_executive(version: int, security_product: int | None, current: dt.date) -> PlanTerms:
    bands = (
        Band(Decimal(0), Decimal(50), Decimal("0.5")),
        Band(Decimal(50), Decimal(100), Decimal(1)),
        Band(Decimal(100), Decimal(150), Decimal(2) if version == 1 else Decimal("2.2")),
        Band(Decimal(150), None, Decimal(3)),
    )
    spiffs = ()
    if version > 1 and security_product is not None:
        quarter = quarter_of(current)
        spiffs = (
            Spiff(
                name="Security Suite push",
                product_id=security_product,
                starts_on=quarter.start,
                ends_on=quarter.end,
                amount_per_deal=Decimal(500),
            ),
        )
    return PlanTerms(
        name="Account Executive",
        measure="bookings",
        target_incentive=Decimal(15000),
        bands=bands,
        cap_multiple=Decimal(3),
        clawback_days=90,
        spiffs=spiffs,
    )


def _international() -> PlanTerms:
    return PlanTerms(
        name="International Account Manager",
        measure="invoiced",
        target_incentive=Decimal(12000),
        bands=(
            Band(Decimal(0), Decimal(100), Decimal(1)),
            Band(Decimal(100), None, Decimal("1.5")),
        ),
        cap_multiple=Decimal("2.5"),
        clawback_days=60,
        draw_amount=Decimal(3000),
        draw_is_recoverable=True,
    )


def build_demo_compensation(cur: duckdb.DuckDBPyConnection, as_of: dt.date) -> DemoCompensation:
    """Add the demo's compensation plans, assignments, closed quarters and a dispute to a
    demo workspace whose reps, deals, orders and goals exist (run inside its transaction)."""
    if sql.fetch_all(cur, "compensation/list_plan_versions", comp_plan_id=None):
        raise ValidationError("this workspace has compensation plans already")
    products = {
        row["product_name"]: row["product_id"]
        for row in sql.fetch_all(cur, "compensation/list_products")
    }
    security = products.get("Security Suite")
    current = quarter_of(as_of)
    quarters = [current]
    for _ in range(QUARTERS_ASSIGNED - 1):
        quarters.insert(0, previous_quarter(quarters[0]))

    account_executive = save_plan(
        cur,
        DEMO_ACTOR,
        _account_executive(1, security, as_of),
        description="Quota-carrying account executives in North America.",
    )
    save_plan(
        cur,
        DEMO_ACTOR,
        _account_executive(2, security, as_of),
        change_note=f"Richer 100-150% band from {current.label}; Security Suite SPIFF this quarter",
        plan_id=account_executive.plan_id,
    )
    international = save_plan(
        cur,
        DEMO_ACTOR,
        _international(),
        description="Account managers in the International region, paid on invoiced revenue.",
    )
    reps = sql.fetch_all(
        cur, "compensation/list_reps", scope_kind="all", scope_rep_id=None, scope_team_id=None
    )
    by_plan = {
        account_executive.plan_id: [
            r["rep_id"] for r in reps if r["region_name"] != INTERNATIONAL_REGION
        ],
        international.plan_id: [
            r["rep_id"] for r in reps if r["region_name"] == INTERNATIONAL_REGION
        ],
    }
    assignments = 0
    for quarter in quarters:
        for plan_id, rep_ids in by_plan.items():
            if not rep_ids:
                continue
            version = 2 if plan_id == account_executive.plan_id and quarter == current else 1
            assignments += len(assign_plan(cur, DEMO_ACTOR, rep_ids, quarter, plan_id, version))
    closed = []
    for quarter in quarters[:QUARTERS_CLOSED]:
        close_period(cur, DEMO_ACTOR, quarter, today=as_of)
        closed.append(quarter.label)
    disputes = _demo_disputes(cur, reps, quarters[:QUARTERS_CLOSED] + [quarters[QUARTERS_CLOSED]])
    return DemoCompensation(
        plans=2, assignments=assignments, closed_quarters=closed, disputes=disputes
    )


def _demo_disputes(cur: duckdb.DuckDBPyConnection, reps: list[dict], quarters: list) -> int:
    """The demo rep disputes their largest commission line: the latest one is left open for
    the manager, an earlier one is answered."""
    account = next((rep for rep in reps if rep["user_id"] is not None), None)
    if account is None:
        return 0
    user = sql.fetch_one(cur, "auth/get_user", user_id=account["user_id"])
    rep_viewer = Viewer(
        user["user_id"], user["email"], user["display_name"], "rep", rep_id=account["rep_id"]
    )
    managers = sql.fetch_all(cur, "compensation/find_rep_managers", rep_id=account["rep_id"])
    found = []
    for quarter in reversed(quarters):
        statement = get_statement(cur, rep_viewer, account["rep_id"], quarter)
        lines = [line for line in statement.lines if line.kind == "commission"] if statement else []
        if lines:
            found.append((quarter, max(lines, key=lambda line: (line.amount, line.key))))
        if len(found) == 2:
            break
    for number, (quarter, line) in enumerate(found):
        dispute_id = raise_dispute(
            cur,
            rep_viewer,
            quarter,
            line.key,
            "This deal was co-sold with the partner team; I expected the full accelerator rate "
            "on it."
            if number == 0
            else "The win date looks wrong: the customer signed a week earlier, in the band below.",
        )
        if number == 1 and managers:
            manager = managers[0]
            resolve_dispute(
                cur,
                Viewer(
                    manager["user_id"],
                    manager["email"],
                    manager["display_name"],
                    "manager",
                    team_id=manager["team_id"],
                ),
                dispute_id,
                "declined",
                "Checked the signed order form: the date in the system is the signature date.",
            )
    return len(found)
