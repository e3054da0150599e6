"""Compensation commands: comp plans, comp assign, comp statement, comp close, comp payroll."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

from dashboard import sql
from dashboard.commands.common import CLI_VIEWER, add_db, iso_date, print_progress
from dashboard.compensation.common import parse_quarter, quarter_of
from dashboard.compensation.payroll import build_payroll, payroll_csv, payroll_xlsx
from dashboard.compensation.plans import assign_plan, describe_terms, list_plans, load_terms
from dashboard.compensation.statements import close_period, compute_statements
from dashboard.db import Database
from dashboard.errors import NotFoundError, ValidationError


def _quarter(text: str):
    try:
        return parse_quarter(text)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(commands: argparse._SubParsersAction) -> None:
    comp = commands.add_parser("comp", help="compensation: plans, statements, closing, payroll")
    comp_commands = comp.add_subparsers(dest="comp_command", required=True)

    plans = comp_commands.add_parser("plans", help="list compensation plans with their terms")
    add_db(plans)
    plans.set_defaults(handler=run_plans)

    assign = comp_commands.add_parser(
        "assign", help="assign a plan to reps for a quarter (quota: each rep's bookings goal)"
    )
    add_db(assign)
    assign.add_argument("--quarter", required=True, type=_quarter, help="e.g. 2026-Q3")
    assign.add_argument("--plan", required=True, help="plan name")
    assign.add_argument("--version", type=int, help="plan version (default: the latest)")
    assign.add_argument(
        "--rep-id", type=int, action="append", help="a rep (repeat; default: every active rep)"
    )
    assign.add_argument("--quota", help="one quota for all (default: each rep's bookings goal)")
    assign.add_argument("--note", help="why (kept with the assignment)")
    assign.set_defaults(handler=run_assign)

    statement = comp_commands.add_parser("statement", help="statements of a quarter as JSON")
    add_db(statement)
    statement.add_argument("--quarter", required=True, type=_quarter)
    statement.add_argument("--rep-id", type=int, help="one rep (default: every rep)")
    statement.set_defaults(handler=run_statement)

    close = comp_commands.add_parser("close", help="close a quarter: freeze its statements")
    add_db(close)
    close.add_argument("--quarter", required=True, type=_quarter)
    close.add_argument("--as-of", type=iso_date, help="today's date (default: today)")
    close.set_defaults(handler=run_close)

    payroll = comp_commands.add_parser("payroll", help="the payroll export of a quarter")
    add_db(payroll)
    payroll.add_argument("--quarter", required=True, type=_quarter)
    payroll.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    payroll.add_argument("--out", help="file to write (default: CSV on stdout)")
    payroll.set_defaults(handler=run_payroll)


def _json(value: object) -> str:
    def plain(item: object) -> object:
        if isinstance(item, Decimal):
            return str(item)
        if isinstance(item, dt.date | dt.datetime):
            return item.isoformat()
        raise TypeError(f"cannot write {type(item).__name__} as JSON")

    return json.dumps(value, default=plain)


def run_plans(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        frame = list_plans(cur, CLI_VIEWER, quarter_of(dt.date.today()))
        plans = []
        for row in frame.itertuples():
            terms = load_terms(cur, int(row.plan_id))
            plans.append(
                {
                    "plan_id": int(row.plan_id),
                    "plan_name": row.plan_name,
                    "version": int(row.version),
                    "measure": terms.measure,
                    "target_incentive": terms.target_incentive,
                    "cap_multiple": terms.cap_multiple,
                    "clawback_days": terms.clawback_days,
                    "draw_amount": terms.draw_amount,
                    "bands": [
                        {"floor_pct": b.floor_pct, "ceiling_pct": b.ceiling_pct, "rate": b.rate}
                        for b in terms.bands
                    ],
                    "terms": describe_terms(terms),
                }
            )
    print(_json(plans))
    return 0


def run_assign(args: argparse.Namespace, db: Database) -> int:
    with db.transaction() as cur:
        plan = sql.fetch_one(cur, "compensation/get_plan_by_name", plan_name=args.plan)
        if plan is None:
            raise NotFoundError(f"There is no plan named {args.plan!r}.")
        rep_ids = args.rep_id or [
            row["rep_id"]
            for row in sql.fetch_all(cur, "compensation/list_reps", **CLI_VIEWER.scope_params())
            if row["is_active"]
        ]
        ids = assign_plan(
            cur,
            CLI_VIEWER,
            rep_ids,
            args.quarter,
            int(plan["plan_id"]),
            args.version,
            args.quota,
            args.note,
        )
    print(
        _json({"quarter": args.quarter.label, "plan": plan["plan_name"], "assignments": len(ids)})
    )
    return 0


def run_statement(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        statements = compute_statements(cur, CLI_VIEWER, args.quarter, args.rep_id)
    print(
        _json(
            [
                {
                    "rep_id": s.rep_id,
                    "rep": s.rep_name,
                    "quarter": s.period.label,
                    "status": s.status,
                    "plan": s.plan_name,
                    "plan_version": s.plan_version,
                    "quota": s.quota,
                    "credited": s.credited,
                    "attainment": s.attainment,
                    "tier": s.tier_label,
                    "capped": s.is_capped,
                    "totals": s.totals,
                    "total": s.total,
                    "content_hash": s.content_hash,
                    "lines": [
                        {
                            "line_no": line.line_no,
                            "kind": line.kind,
                            "key": line.key,
                            "description": line.description,
                            "opportunity_id": line.opportunity_id,
                            "order_id": line.order_id,
                            "return_id": line.return_id,
                            "date": line.event_date,
                            "amount": line.amount,
                        }
                        for line in s.lines
                    ],
                }
                for s in statements
            ]
        )
    )
    return 0


def run_close(args: argparse.Namespace, db: Database) -> int:
    with db.transaction() as cur:
        result = close_period(
            cur, CLI_VIEWER, args.quarter, today=args.as_of, progress=print_progress
        )
    print(
        _json(
            {"quarter": result.period.label, "statements": result.statements, "total": result.total}
        )
    )
    return 0


def run_payroll(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        frame = build_payroll(cur, CLI_VIEWER, args.quarter)
    data = payroll_xlsx(frame, args.quarter) if args.format == "xlsx" else payroll_csv(frame)
    if args.out:
        Path(args.out).write_bytes(data)
        print(_json({"quarter": args.quarter.label, "rows": len(frame), "file": args.out}))
    elif args.format == "xlsx":
        raise ValidationError("an XLSX payroll needs --out FILE")
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0
