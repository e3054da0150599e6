"""Sample values for the parameters of queries/compensation, and the registered tables its
bulk inserts read."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from dashboard.compensation.plans import ASSIGNMENT_COLUMNS
from dashboard.compensation.statements import LINE_COLUMNS, STATEMENT_COLUMNS

SAMPLES = {
    "range_start": dt.date(2026, 1, 1),
    "range_end": dt.date(2026, 4, 1),
    "quarter_start": dt.date(2026, 1, 1),
    "quarter_end": dt.date(2026, 4, 1),
    "only_rep_id": None,
    "only_dispute_id": None,
    "comp_plan_id": 1,
    "plan_version": 1,
    "plan_name": "Account Executive",
    "plan_description": "Quota-carrying reps",
    "measure": "bookings",
    "target_incentive": Decimal("15000.00"),
    "cap_multiple": Decimal("3"),
    "clawback_days": 90,
    "draw_amount": Decimal("0"),
    "draw_is_recoverable": True,
    "change_note": "Created",
    "saved_by": 1,
    "band_no": 1,
    "floor_pct": Decimal("0"),
    "ceiling_pct": None,
    "rate": Decimal("1"),
    "spiff_no": 1,
    "spiff_name": "Security push",
    "starts_on": dt.date(2026, 1, 1),
    "ends_on": dt.date(2026, 4, 1),
    "amount_per_deal": Decimal("500"),
    "pct_of_amount": Decimal("0"),
    "statement_count": 0,
    "total_amount": Decimal("0"),
    "closed_by": 1,
    "statement_id": None,
    "line_key": "commission:deal:1",
    "line_description": "Won deal",
    "line_amount": Decimal("100.00"),
    "dispute_comment": "Wrong rate",
    "raised_by": 1,
    "dispute_id": 1,
    "outcome": "declined",
    "reply": "Checked",
    "replied_by": 1,
}


def prepare(cur) -> None:
    """Empty stand-ins for the tables the bulk inserts read (registered at run time)."""
    for name, columns in (
        ("comp_line_rows", LINE_COLUMNS),
        ("comp_statement_rows", STATEMENT_COLUMNS),
        ("comp_assignment_rows", ASSIGNMENT_COLUMNS),
    ):
        cur.register(name, pa.table({column: pa.array([], pa.string()) for column in columns}))
