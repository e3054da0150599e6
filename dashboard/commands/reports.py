"""Report pack commands: `report KIND --period P --format F --out FILE` for schedulers."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from dashboard.commands.common import CLI_VIEWER, add_db, iso_date
from dashboard.db import Database
from dashboard.errors import ValidationError
from dashboard.reports import render, workflow
from dashboard.reports.figures import PACK_KINDS, compute_pack
from dashboard.reports.periods import parse_period


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="render a stakeholder report pack to PDF, XLSX, CSV or JSON",
        description=(
            "Render a report pack. Without --pack-id it renders the newest published pack of the "
            "kind, period and scope, and otherwise (or with --live) figures computed now, marked "
            "as not reviewed."
        ),
    )
    report.add_argument("kind", choices=PACK_KINDS)
    report.add_argument(
        "--period", required=True, help="2026-Q3, 2026-07, 2026 or 2026-01-01..2026-06-30"
    )
    report.add_argument("--format", dest="fmt", choices=render.FORMATS, default="json")
    report.add_argument("--out", required=True, help="file to write ('-' for standard output)")
    report.add_argument("--team-id", type=int, help="a team's subtree instead of the company")
    report.add_argument("--pack-id", type=int, help="render this pack (as the app shows it)")
    report.add_argument(
        "--live", action="store_true", help="compute the figures now even if a pack is published"
    )
    report.add_argument(
        "--as-of", type=iso_date, help="today's date for the figures (default: today)"
    )
    report.add_argument("--quiet", action="store_true", help="no progress on standard error")
    add_db(report)
    report.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace, db: Database) -> int:
    period = parse_period(args.period)
    today = args.as_of or dt.date.today()

    def progress(fraction: float, message: str) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    with db.reading() as cur:
        scope = workflow.resolve_scope(cur, CLI_VIEWER, args.team_id)
        pack_id = args.pack_id
        if pack_id is None and not args.live:
            pack_id = workflow.find_published_pack(cur, CLI_VIEWER, args.kind, period, scope)
        if pack_id is not None:
            pack = workflow.get_pack(cur, CLI_VIEWER, pack_id)
            if pack.kind != args.kind or pack.period != period:
                raise ValidationError(
                    f"pack #{pack_id} is a {pack.kind} pack for {pack.period.label}, not "
                    f"{args.kind} for {period.label}"
                )
            shown = workflow.load_pack_figures(cur, CLI_VIEWER, pack_id, today, progress)
            figures, meta = shown.figures, workflow.describe_pack(cur, CLI_VIEWER, pack, shown)
        else:
            figures = compute_pack(cur, args.kind, period, scope, today, progress=progress)
            meta = workflow.live_meta(figures, today)
    data = render.render(figures, meta, args.fmt, progress)
    summary = {
        "kind": args.kind,
        "period": period.label,
        "scope": figures["pack"]["scope"],
        "pack_id": pack_id,
        "status": meta["status"],
        "content_hash": meta["content_hash"],
        "format": args.fmt,
        "bytes": len(data),
    }
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print(json.dumps(summary), file=sys.stderr)
    else:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(json.dumps({**summary, "out": str(out)}))
    return 0
