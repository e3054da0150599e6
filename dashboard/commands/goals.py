"""Goal commands: goals import FILE, goals list."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard import goals
from dashboard.commands.common import CLI_VIEWER, add_db
from dashboard.db import Database
from dashboard.errors import DomainError
from dashboard.export import to_json_records

LIST_COLUMNS = [
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
    "children",
    "children_total",
    "difference",
    "split_warning",
    "version",
    "parent_goal_id",
]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("goals", help="list goals, import goal targets from CSV")
    goal_commands = parser.add_subparsers(dest="goals_command", required=True)

    importing = goal_commands.add_parser(
        "import",
        help="import goal targets from a CSV file with columns scope, period, metric, target",
    )
    add_db(importing)
    importing.add_argument("file", help="the CSV file")
    importing.add_argument(
        "--dry-run", action="store_true", help="check every row and save nothing"
    )
    importing.add_argument(
        "--good-only",
        action="store_true",
        help="save the good rows even when some rows are refused (default: save nothing then)",
    )
    importing.add_argument(
        "--json", action="store_true", help="print JSON (the only format; kept for scripts)"
    )
    importing.set_defaults(handler=run_import)

    listing = goal_commands.add_parser("list", help="goals with their attainment as JSON")
    add_db(listing)
    listing.add_argument("--period", help=f"only goals inside this period: {goals.PERIOD_FORMATS}")
    listing.add_argument("--metric", choices=list(goals.METRICS), help="only this metric")
    listing.add_argument(
        "--json", action="store_true", help="print JSON (the only format; kept for scripts)"
    )
    listing.set_defaults(handler=run_list)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise DomainError(f"cannot read {path}: {error.strerror or error}") from None


def run_import(args: argparse.Namespace, db: Database) -> int:
    content = _read(args.file)
    try:
        if args.dry_run:
            with db.reading() as cur:
                result = goals.import_goals(cur, CLI_VIEWER, content, dry_run=True)
        else:
            with goals.transaction(db) as cur:
                result = goals.import_goals(cur, CLI_VIEWER, content, good_only=args.good_only)
    except goals.ImportRefused as refused:
        checked = refused.checked
        good = checked[checked["action"] != "refused"]
        summary = {
            "file": args.file,
            "rows": len(checked),
            "good": len(good),
            "bad": len(refused.problems),
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "saved": False,
            "dry_run": False,
            "errors": [{"row": row, "reason": reason} for row, reason in refused.problems],
        }
        print(json.dumps(summary))
        print(f"error: {refused}", file=sys.stderr)
        return 2
    print(json.dumps({"file": args.file, **result.summary(), "dry_run": bool(args.dry_run)}))
    if result.bad and args.dry_run:
        print(
            f"error: {result.bad} of {result.rows} rows would be refused (dry run, nothing saved)",
            file=sys.stderr,
        )
        return 2
    return 0


def run_list(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        window = (
            goals.parse_period(args.period, goals.fiscal_year_start(cur)) if args.period else None
        )
        frame = goals.load_goals(cur, CLI_VIEWER, window, metric=args.metric)
    print(to_json_records(frame[LIST_COLUMNS]))
    return 0
