"""The salary settlement: per rep and quarter, base + commission + SPIFFs - clawbacks
+ adjustments + draw advance - draws recovered, as a table and as CSV / XLSX files."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd

from dashboard import export, sql
from dashboard.auth import Viewer
from dashboard.compensation.common import PAYROLL_ROLES, require_role
from dashboard.compensation.engine import ZERO
from dashboard.compensation.statements import base_salary_for, compute_statements
from dashboard.metrics import Period

PAYROLL_COLUMNS = [
    "Rep ID",
    "Rep",
    "Team",
    "Quarter",
    "Status",
    "Plan",
    "Base salary",
    "Commission",
    "SPIFFs",
    "Clawbacks",
    "Adjustments",
    "Draw advance",
    "Draws recovered",
    "Variable pay",
    "Total pay",
]


def build_payroll(cur: duckdb.DuckDBPyConnection, viewer: Viewer, period: Period) -> pd.DataFrame:
    """One row per rep with a statement or a base salary in the quarter. Clawbacks and draws
    recovered are shown as positive deductions; Total pay = Base salary + Variable pay."""
    require_role(viewer, PAYROLL_ROLES, "export payroll")
    statements = {s.rep_id: s for s in compute_statements(cur, viewer, period)}
    rows = []
    for rep in sql.fetch_all(cur, "compensation/list_reps", **viewer.scope_params()):
        statement = statements.get(rep["rep_id"])
        if statement is None and not rep["is_active"]:
            continue
        if statement is None:
            base = base_salary_for(rep["base_salary"], period)
            totals = dict.fromkeys(
                ("commission", "spiff", "clawback", "adjustment", "draw_advance", "draw_recovery"),
                ZERO,
            )
            variable, status, plan = Decimal("0.00"), "no plan", None
        else:
            base, totals, variable = statement.base_salary, statement.totals, statement.total
            status = statement.status
            plan = (
                None
                if statement.plan_name is None
                else f"{statement.plan_name} v{statement.plan_version}"
            )
        rows.append(
            {
                "Rep ID": rep["rep_id"],
                "Rep": rep["rep_name"],
                "Team": rep["team_name"],
                "Quarter": period.label,
                "Status": status,
                "Plan": plan,
                "Base salary": base,
                "Commission": totals["commission"],
                "SPIFFs": totals["spiff"],
                "Clawbacks": -totals["clawback"],
                "Adjustments": totals["adjustment"],
                "Draw advance": totals["draw_advance"],
                "Draws recovered": -totals["draw_recovery"],
                "Variable pay": variable,
                "Total pay": base + variable,
            }
        )
    frame = pd.DataFrame(rows, columns=PAYROLL_COLUMNS)
    return frame.sort_values(["Team", "Rep", "Rep ID"]).reset_index(drop=True)


def payroll_totals(frame: pd.DataFrame) -> dict[str, Decimal]:
    """The payroll's money columns summed exactly."""
    return {
        column: sum(frame[column], ZERO)
        for column in PAYROLL_COLUMNS[PAYROLL_COLUMNS.index("Base salary") :]
    }


def payroll_csv(frame: pd.DataFrame) -> bytes:
    """The payroll as CSV bytes (spreadsheet formulas neutralised)."""
    return export.to_csv_bytes(frame)


def payroll_xlsx(frame: pd.DataFrame, period: Period) -> bytes:
    """The payroll as an XLSX workbook (spreadsheet formulas neutralised)."""
    return export.to_xlsx_bytes(frame, f"Payroll {period.label}")
