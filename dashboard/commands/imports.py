"""Import commands: import FILE..., imports list, imports undo BATCH_ID, imports rejects BATCH_ID."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from dashboard.commands.common import CLI_VIEWER, add_db, print_progress
from dashboard.db import Database
from dashboard.export import json_default, to_json_records
from dashboard.importing import ImportRefused, batches, planning
from dashboard.importing.mapping import DEFAULT_REP_TEAM
from dashboard.importing.sources import FAMILIES
from dashboard.importing.values import ValueProblem, normalise_date_format


def _date_format(text: str) -> str:
    try:
        return normalise_date_format(text)
    except ValueProblem as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _timestamp(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time like 2026-03-31 or 2026-03-31T17:00"
        ) from None


def register(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser(
        "import",
        help="import CSV/XLSX exports (deals, accounts, reps, products, orders, returns)",
        description=(
            "Import files as batches (one per file or sheet), all in one transaction. Prints a "
            "JSON summary. Exits 0 when loaded (some rows may be rejected); 2 with a message when "
            "a file is refused, and then nothing was changed."
        ),
    )
    add_db(load)
    load.add_argument("files", nargs="+", metavar="FILE", help="CSV or XLSX files")
    load.add_argument(
        "--source",
        choices=FAMILIES,
        default="auto",
        help="where the files come from (default: detect)",
    )
    load.add_argument(
        "--date-format",
        type=_date_format,
        help="DD/MM/YYYY or MM/DD/YYYY (also dmy, mdy); required when dates are ambiguous",
    )
    load.add_argument("--as-of", type=_timestamp, help="when the export was taken (default: now)")
    load.add_argument("--source-system", help="system name the records are keyed by")
    load.add_argument(
        "--create-reps", action="store_true", help="create owners that are not reps yet"
    )
    load.add_argument(
        "--team", default=DEFAULT_REP_TEAM, help=f"team for new reps (default: {DEFAULT_REP_TEAM})"
    )
    load.add_argument(
        "--no-create-accounts", action="store_true", help="do not create missing accounts"
    )
    load.add_argument(
        "--no-create-products", action="store_true", help="do not create missing products"
    )
    load.add_argument(
        "--allow-duplicate", action="store_true", help="load a file that was loaded before"
    )
    load.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
    load.add_argument("--json", action="store_true", help="print JSON (the only format)")
    load.set_defaults(handler=run_import)

    imports = commands.add_parser("imports", help="import batches: list, undo, rejects")
    sub = imports.add_subparsers(dest="imports_command", required=True)
    listing = sub.add_parser("list", help="list import batches, newest first")
    add_db(listing)
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(handler=run_list)
    undo = sub.add_parser("undo", help="undo an import batch")
    add_db(undo)
    undo.add_argument("batch_id", type=int)
    undo.set_defaults(handler=run_undo)
    rejects = sub.add_parser("rejects", help="the rejected rows of a batch as JSON")
    add_db(rejects)
    rejects.add_argument("batch_id", type=int)
    rejects.set_defaults(handler=run_rejects)


def run_import(args: argparse.Namespace, db: Database) -> int:
    plans = []
    with db.reading() as cur:
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                raise ImportRefused(f"{name} is not a file.")
            plans.extend(
                planning.plan_file(cur, CLI_VIEWER, path.name, path.read_bytes(), args.source)
            )
    for plan in plans:
        if plan.mapping is None:
            continue
        mapping = plan.mapping
        mapping.date_order = args.date_format or mapping.date_order
        mapping.as_of = args.as_of
        mapping.create_reps = args.create_reps
        mapping.rep_team = args.team
        mapping.create_accounts = not args.no_create_accounts
        mapping.create_products = not args.no_create_products
        if args.source_system:
            mapping.source_system = args.source_system
    if args.dry_run:
        results = planning.preview(db, CLI_VIEWER, plans)
    else:
        results = planning.load(
            db,
            CLI_VIEWER,
            plans,
            allow_duplicate=args.allow_duplicate,
            progress=print_progress,
        )
    summaries = [result.summary() for result in results]
    for summary, result in zip(summaries, results, strict=True):
        summary["dry_run"] = bool(args.dry_run)
        if result.duplicate_of:
            summary["loaded_before_as"] = result.duplicate_of
    if len(summaries) == 1:
        output = summaries[0]
    else:
        output = {
            "batches": summaries,
            **{
                key: sum(summary[key] for summary in summaries)
                for key in ("rows", "inserted", "updated", "unchanged", "rejected")
            },
        }
    print(json.dumps(output, default=json_default))
    # a dry run predicts the load: a table the load would refuse is an error here too
    refusals = [result.refusal for result in results if result.refusal]
    for refusal in refusals:
        print(f"error: {refusal}", file=sys.stderr)
    return 2 if refusals else 0


def run_list(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        frame = batches.list_batches(cur, CLI_VIEWER, limit=args.limit)
    print(to_json_records(frame))
    return 0


def run_undo(args: argparse.Namespace, db: Database) -> int:
    with db.transaction() as cur:
        counts = batches.undo_batch(cur, CLI_VIEWER, args.batch_id)
    print(
        json.dumps({"batch_id": args.batch_id, "status": "undone", "removed_or_restored": counts})
    )
    return 0


def run_rejects(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        frame = batches.list_rejects(cur, CLI_VIEWER, args.batch_id)
    print(to_json_records(frame))
    return 0
