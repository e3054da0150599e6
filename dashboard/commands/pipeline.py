"""Pipeline commands: pipeline board, pipeline deals, pipeline overdue (JSON out, full scope)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pandas as pd

from dashboard import deals, pipeline
from dashboard.commands.common import CLI_VIEWER, add_db, iso_date
from dashboard.db import Database
from dashboard.export import to_json_records


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "pipeline", help="open deals by stage, a filtered deal list, overdue follow-ups"
    )
    pipeline_commands = parser.add_subparsers(dest="pipeline_command", required=True)

    board = pipeline_commands.add_parser(
        "board", help="open deals per stage (count, amount, weighted) and the largest of each"
    )
    add_db(board)
    _add_filters(board)
    board.add_argument(
        "--per-stage", type=int, default=10, help="largest deals listed per stage (default 10)"
    )
    board.set_defaults(handler=run_board)

    listing = pipeline_commands.add_parser("deals", help="one page of deals matching the filters")
    add_db(listing)
    _add_filters(listing)
    listing.add_argument("--status", choices=pipeline.DEAL_STATUSES, default="open")
    listing.add_argument("--sort", choices=pipeline.DEAL_SORTS, default="amount")
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--page-size", type=int, default=50)
    listing.set_defaults(handler=run_deals)

    overdue = pipeline_commands.add_parser(
        "overdue", help="follow-ups not done and due before a day (default today)"
    )
    add_db(overdue)
    overdue.add_argument("--as-of", type=iso_date, help="the day to look from (default: today)")
    overdue.add_argument("--limit", type=int, default=500, help="at most this many (default 500)")
    overdue.set_defaults(handler=run_overdue)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team-id", type=int, help="a team and everything below it")
    parser.add_argument("--territory-id", type=int, help="a territory and everything below it")
    parser.add_argument("--product-id", type=int)
    parser.add_argument("--owner-id", type=int, help="one owner (rep id)")
    parser.add_argument(
        "--rating", action="append", choices=deals.LEAD_RATINGS, default=[], help="repeatable"
    )
    parser.add_argument("--source", action="append", default=[], help="lead source; repeatable")
    parser.add_argument("--close-from", type=iso_date, help="first close date (inclusive)")
    parser.add_argument("--close-to", type=iso_date, help="last close date (inclusive)")
    parser.add_argument("--search", help="part of the deal's or the account's name")


def _filters(args: argparse.Namespace) -> pipeline.PipelineFilter:
    return pipeline.PipelineFilter(
        team_id=args.team_id,
        territory_id=args.territory_id,
        product_id=args.product_id,
        owner_rep_id=args.owner_id,
        lead_ratings=tuple(args.rating),
        lead_sources=tuple(args.source),
        close_from=args.close_from,
        close_to=args.close_to,
        search_text=args.search,
    )


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(to_json_records(frame))


def run_board(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        board = pipeline.load_board(cur, CLI_VIEWER, _filters(args), args.per_stage)
    stages = []
    for stage in _records(board.columns):
        cards = board.cards[board.cards["stage_id"] == stage["stage_id"]]
        stages.append(
            {
                **stage,
                "largest": _records(
                    cards[
                        [
                            "opportunity_id",
                            "opportunity_name",
                            "account_name",
                            "owner_name",
                            "amount_rc",
                            "expected_close_date",
                            "lead_rating",
                        ]
                    ]
                ),
            }
        )
    print(json.dumps({"per_stage": board.per_stage, "stages": stages}))
    return 0


def run_deals(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        page = pipeline.list_deals(
            cur, CLI_VIEWER, _filters(args), args.status, args.sort, args.page, args.page_size
        )
    result = {
        "total": page.total,
        "amount": page.amount,
        "page": page.page,
        "pages": page.pages,
        "deals": _records(page.rows.drop(columns=["row_version"])),
    }
    print(json.dumps(result))
    return 0


def run_overdue(args: argparse.Namespace, db: Database) -> int:
    today = args.as_of or dt.date.today()
    with db.reading() as cur:
        overdue = pipeline.list_overdue_follow_ups(cur, CLI_VIEWER, today, args.limit)
    total = int(overdue["total_overdue"].iloc[0]) if len(overdue) else 0
    print(
        json.dumps(
            {
                "as_of": today.isoformat(),
                "total": total,
                "follow_ups": _records(overdue.drop(columns=["total_overdue"])),
            }
        )
    )
    return 0
