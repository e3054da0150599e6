"""What-if: a plan's reps paid under changed rates, bands, caps or quotas, on last quarter's and
this quarter's data, side by side with what the current plans pay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.compensation.common import (
    WHATIF_ROLES,
    previous_quarter,
    quarter_of,
    require_role,
)
from dashboard.compensation.engine import HUNDRED, ZERO, PlanTerms, cents, compute_earnings
from dashboard.compensation.plans import check_terms
from dashboard.compensation.statements import Ledger, closed_periods
from dashboard.errors import ValidationError
from dashboard.metrics import Period

POPULATIONS = {
    "plan": "Reps on this plan",
    "all": "Every rep in scope (quota: their assignment, else their bookings goal)",
}
ROW_COLUMNS = [
    "Quarter",
    "rep_id",
    "Rep",
    "Team",
    "Current plan",
    "Quota",
    "Scenario quota",
    "Credited",
    "Attainment",
    "Scenario attainment",
    "Current pay",
    "Scenario pay",
    "Change",
    "Scenario capped",
]
SUMMARY_COLUMNS = [
    "Quarter",
    "Reps",
    "Credited",
    "Current pay",
    "Scenario pay",
    "Change",
    "Change %",
    "Current cost of sales %",
    "Scenario cost of sales %",
    "Reps at 100%+ (scenario)",
    "Reps capped (scenario)",
]


@dataclass(frozen=True)
class WhatIf:
    """Per rep and quarter, and per quarter in total: current pay vs the scenario's."""

    rows: pd.DataFrame
    summary: pd.DataFrame


def run_what_if(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    plan_id: int,
    scenario: PlanTerms,
    quota_change_pct: Decimal = ZERO,
    population: str = "plan",
    today: dt.date | None = None,
) -> WhatIf:
    """Pay (commission + SPIFFs) per rep under the scenario vs the current plans, for last
    quarter and this quarter; clawbacks, corrections and draws are left out of both sides."""
    require_role(viewer, WHATIF_ROLES, "run compensation what-ifs")
    if population not in POPULATIONS:
        raise ValidationError(f"choose the reps as one of {', '.join(POPULATIONS)}")
    if quota_change_pct <= -100:
        raise ValidationError("Quotas cannot fall by 100% or more.")
    check_terms(cur, scenario)
    today = today or dt.date.today()
    this_quarter = quarter_of(today)
    quarters = [previous_quarter(this_quarter), this_quarter]
    closed_starts = {period.start for period in closed_periods(cur)}
    closed = [q for q in quarters if q.start in closed_starts]
    chain = [q for q in quarters if q.start not in closed_starts]
    scope = viewer.scope_params()
    ledger = Ledger(cur, scope, None, closed, chain)
    factor = 1 + quota_change_pct / HUNDRED
    rows = []
    for quarter in quarters:
        goals = {}
        if population == "all":
            goals = {
                row["rep_id"]: row["goal"]
                for row in sql.fetch_all(
                    cur,
                    "compensation/list_rep_goals",
                    quarter_start=quarter.start,
                    quarter_end=quarter.end,
                    only_rep_id=None,
                    **scope,
                )
            }
        for rep_id, rep in sorted(
            ledger.reps.items(), key=lambda item: (item[1]["rep_name"], item[0])
        ):
            applied = ledger.terms(rep_id, quarter)
            if population == "plan" and (applied is None or applied[0].plan_id != plan_id):
                continue
            if population == "all" and not rep["is_active"]:
                continue
            quota = applied[1] if applied else goals.get(rep_id)
            if not quota:
                continue
            current = ledger.earnings(rep_id, quarter)
            current_pay = sum((line.amount for line in current.lines), ZERO) if current else ZERO
            scenario_quota = cents(quota * factor)
            outcome = compute_earnings(
                scenario,
                scenario_quota,
                ledger.credit_items(rep_id, quarter, scenario.measure),
                ledger.won[(rep_id, quarter.start)],
            )
            scenario_pay = sum((line.amount for line in outcome.lines), ZERO)
            rows.append(
                {
                    "Quarter": quarter.label,
                    "rep_id": rep_id,
                    "Rep": rep["rep_name"],
                    "Team": rep["team_name"],
                    "Current plan": applied[0].label if applied else "(none)",
                    "Quota": cents(quota),
                    "Scenario quota": scenario_quota,
                    "Credited": cents(outcome.credited),
                    "Attainment": current.attainment if current else None,
                    "Scenario attainment": outcome.attainment,
                    "Current pay": current_pay,
                    "Scenario pay": scenario_pay,
                    "Change": scenario_pay - current_pay,
                    "Scenario capped": outcome.is_capped,
                }
            )
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    return WhatIf(frame, _summary(frame, quarters))


def _summary(frame: pd.DataFrame, quarters: list[Period]) -> pd.DataFrame:
    rows = []
    for quarter in quarters:
        part = frame[frame["Quarter"] == quarter.label]
        credited = sum(part["Credited"], ZERO)
        current = sum(part["Current pay"], ZERO)
        scenario = sum(part["Scenario pay"], ZERO)
        rows.append(
            {
                "Quarter": quarter.label,
                "Reps": len(part),
                "Credited": credited,
                "Current pay": current,
                "Scenario pay": scenario,
                "Change": scenario - current,
                "Change %": _percent(scenario - current, current),
                "Current cost of sales %": _percent(current, credited),
                "Scenario cost of sales %": _percent(scenario, credited),
                "Reps at 100%+ (scenario)": int(
                    sum(
                        1
                        for value in part["Scenario attainment"]
                        if value is not None and value >= 1
                    )
                ),
                "Reps capped (scenario)": int(part["Scenario capped"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * HUNDRED).quantize(Decimal("0.01"))
