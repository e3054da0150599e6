"""Core commands: init, demo, kpis, user add/list."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time

from dashboard import auth, demo, metrics
from dashboard.commands.common import CLI_VIEWER, add_db, iso_date, print_progress
from dashboard.db import Database, applied_migrations
from dashboard.errors import DomainError
from dashboard.export import to_json_records


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="create the database or apply pending migrations")
    add_db(init)
    init.set_defaults(handler=run_init)

    build = commands.add_parser("demo", help="build the demo workspace into an empty database")
    add_db(build)
    build.add_argument("--deals", type=int, default=30_000, help="number of deals (default 30000)")
    build.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    build.add_argument("--as-of", type=iso_date, help="the demo's today (default: today)")
    build.set_defaults(handler=run_demo)

    kpis = commands.add_parser("kpis", help="headline KPIs as JSON")
    add_db(kpis)
    kpis.add_argument(
        "--from", dest="start", type=iso_date, help="first day of the period (inclusive)"
    )
    kpis.add_argument("--to", dest="end", type=iso_date, help="last day of the period (inclusive)")
    kpis.add_argument("--by", choices=metrics.GROUP_BY, help="also report per group")
    kpis.add_argument(
        "--json", action="store_true", help="print JSON (the only format; kept for scripts)"
    )
    kpis.set_defaults(handler=run_kpis)

    user = commands.add_parser("user", help="manage sign-in accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add an account (password from a prompt or stdin)")
    add_db(add)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--name", default="", help="display name (default: the email)")
    add.add_argument("--rep-id", type=int, help="the rep this account belongs to (role rep)")
    add.add_argument("--team-id", type=int, help="the team this account manages (role manager)")
    add.set_defaults(handler=run_user_add)
    listing = user_commands.add_parser("list", help="list accounts")
    add_db(listing)
    listing.set_defaults(handler=run_user_list)


def run_init(args: argparse.Namespace, db: Database) -> int:
    print(json.dumps({"database": db.path, "migrations": applied_migrations(db)}))
    return 0


def run_demo(args: argparse.Namespace, db: Database) -> int:
    started = time.monotonic()
    summary = demo.build_demo(
        db, deals=args.deals, seed=args.seed, as_of=args.as_of, progress=print_progress
    )
    result = {
        **summary.__dict__,
        "as_of": summary.as_of.isoformat(),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result))
    return 0


def run_kpis(args: argparse.Namespace, db: Database) -> int:
    period = metrics.Period.from_inclusive(args.start, args.end)
    with db.reading() as cur:
        figures = metrics.compute_kpis(cur, CLI_VIEWER, period, by=args.by)
    print(json.dumps(figures, default=str))
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise DomainError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def run_user_add(args: argparse.Namespace, db: Database) -> int:
    password = _read_password()
    with db.transaction() as cur:
        user_id = auth.create_user(
            cur,
            email=args.email,
            password=password,
            role=args.role,
            display_name=args.name,
            rep_id=args.rep_id,
            team_id=args.team_id,
        )
    print(json.dumps({"user_id": user_id, "email": args.email.strip().lower(), "role": args.role}))
    return 0


def run_user_list(args: argparse.Namespace, db: Database) -> int:
    with db.reading() as cur:
        users = auth.list_users(cur)
    print(to_json_records(users))
    return 0
