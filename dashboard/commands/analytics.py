"""Analytics commands: build the derived deal history, and funnel / waterfall / territory /
forecast figures as JSON."""

from __future__ import annotations

import argparse
import json
import time

from dashboard import forecast, funnel, metrics, territory
from dashboard.commands.common import CLI_VIEWER, add_db, iso_date
from dashboard.db import Database
from dashboard.errors import ValidationError
from dashboard.export import to_json_records


def register(commands: argparse._SubParsersAction) -> None:
    history = commands.add_parser(
        "history", help="fold new deal events into the derived history (funnel, waterfall)"
    )
    add_db(history)
    history.set_defaults(handler=run_history)

    funnel_parser = commands.add_parser("funnel", help="stage funnel and outcomes as JSON")
    add_db(funnel_parser)
    funnel_parser.add_argument("--from", dest="start", type=iso_date, required=True)
    funnel_parser.add_argument("--to", dest="end", type=iso_date, required=True)
    funnel_parser.add_argument("--by", choices=list(funnel.SLICES), default="none")
    funnel_parser.add_argument("--cohort", choices=list(funnel.COHORTS), default="created")
    funnel_parser.set_defaults(handler=run_funnel)

    waterfall = commands.add_parser("waterfall", help="pipeline waterfall between two dates")
    add_db(waterfall)
    waterfall.add_argument("--from", dest="start", type=iso_date, required=True)
    waterfall.add_argument("--to", dest="end", type=iso_date, required=True)
    waterfall.add_argument(
        "--window",
        choices=["quarter", "all"],
        default="quarter",
        help="deals expected to close in the quarter of --to (default), or all open deals",
    )
    waterfall.set_defaults(handler=run_waterfall)

    territories = commands.add_parser("territories", help="territory figures as JSON")
    add_db(territories)
    territories.add_argument("--from", dest="start", type=iso_date, required=True)
    territories.add_argument("--to", dest="end", type=iso_date, required=True)
    territories.set_defaults(handler=run_territories)

    forecasts = commands.add_parser("forecast", help="forecast per team and rep as JSON")
    add_db(forecasts)
    forecasts.add_argument("--from", dest="start", type=iso_date, required=True)
    forecasts.add_argument("--to", dest="end", type=iso_date, required=True)
    forecasts.set_defaults(handler=run_forecast)


def _period(args: argparse.Namespace) -> metrics.Period:
    if args.end < args.start:
        raise ValidationError(f"--to ({args.end}) is before --from ({args.start})")
    return metrics.Period.from_inclusive(args.start, args.end)


def _refresh(db: Database) -> funnel.HistoryRefresh:
    with db.transaction() as cur:
        return funnel.refresh_history(cur)


def run_history(args: argparse.Namespace, db: Database) -> int:
    started = time.monotonic()
    done = _refresh(db)
    print(
        json.dumps(
            {
                "mode": done.mode,
                "deals": done.deals,
                "through_event_id": done.through_event_id,
                "orders_rebuilt": done.orders_rebuilt,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )
    return 0


def run_funnel(args: argparse.Namespace, db: Database) -> int:
    period = _period(args)
    _refresh(db)
    with db.reading() as cur:
        stages = funnel.load_funnel(cur, CLI_VIEWER, period, slice_by=args.by, cohort=args.cohort)
        outcomes = funnel.load_outcomes(cur, CLI_VIEWER, period, slice_by=args.by)
    print(
        json.dumps(
            {
                "stages": stages.drop(columns=["period_no"]).to_dict(orient="records"),
                "outcomes": outcomes.drop(columns=["period_no"]).to_dict(orient="records"),
            },
            default=str,
        )
    )
    return 0


def run_waterfall(args: argparse.Namespace, db: Database) -> int:
    window = metrics.Period.quarter_of(args.end) if args.window == "quarter" else None
    _refresh(db)
    with db.reading() as cur:
        steps = funnel.load_waterfall(cur, CLI_VIEWER, args.start, args.end, window)
    print(
        json.dumps(
            {
                "steps": steps[["step", "deals", "amount"]].to_dict(orient="records"),
                "balance": str(funnel.waterfall_balance(steps)),
            },
            default=str,
        )
    )
    return 0


def run_territories(args: argparse.Namespace, db: Database) -> int:
    _refresh(db)
    with db.reading() as cur:
        frame = territory.load_territories(cur, CLI_VIEWER, _period(args))
    print(to_json_records(frame))
    return 0


def run_forecast(args: argparse.Namespace, db: Database) -> int:
    _refresh(db)
    with db.reading() as cur:
        frame = forecast.load_forecast(cur, CLI_VIEWER, _period(args))
    print(to_json_records(frame))
    return 0
