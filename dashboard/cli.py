"""Command line: create or migrate a database, build the demo, manage accounts, print KPIs.

Every command opens (and if needed creates and migrates) the database given by --db or by
the configuration, and calls the same domain functions as the pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
import time
from collections.abc import Sequence

from dashboard import auth, demo, metrics
from dashboard.config import get_settings
from dashboard.db import Database, applied_migrations, close_database, open_database
from dashboard.errors import DomainError

# The command line acts with full scope, like an administrator at the console.
CLI_VIEWER = auth.Viewer(
    user_id=0, email="cli@localhost", display_name="Command line", role="admin"
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", help="database file (default: SALES_DB, secrets.toml, data/sales.duckdb)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the database or apply pending migrations")
    _add_db(init)

    build = commands.add_parser("demo", help="build the demo workspace into an empty database")
    _add_db(build)
    build.add_argument("--deals", type=int, default=30_000, help="number of deals (default 30000)")
    build.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    build.add_argument("--as-of", type=_date, help="the demo's today (default: today)")

    kpis = commands.add_parser("kpis", help="headline KPIs as JSON")
    _add_db(kpis)
    kpis.add_argument(
        "--from", dest="start", type=_date, help="first day of the period (inclusive)"
    )
    kpis.add_argument("--to", dest="end", type=_date, help="last day of the period (inclusive)")
    kpis.add_argument("--by", choices=metrics.GROUP_BY, help="also report per group")
    kpis.add_argument(
        "--json", action="store_true", help="print JSON (the only format; kept for scripts)"
    )

    user = commands.add_parser("user", help="manage sign-in accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add an account (password from a prompt or stdin)")
    _add_db(add)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--name", default="", help="display name (default: the email)")
    add.add_argument("--rep-id", type=int, help="the rep this account belongs to (role rep)")
    add.add_argument("--team-id", type=int, help="the team this account manages (role manager)")
    listing = user_commands.add_parser("list", help="list accounts")
    _add_db(listing)
    return parser


def _open(path: str | None) -> Database:
    return open_database(path or get_settings().db_path)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise DomainError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _run(args: argparse.Namespace, db: Database) -> int:
    if args.command == "init":
        print(json.dumps({"database": db.path, "migrations": applied_migrations(db)}))
        return 0
    if args.command == "demo":
        started = time.monotonic()

        def progress(fraction: float, message: str) -> None:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

        summary = demo.build_demo(
            db, deals=args.deals, seed=args.seed, as_of=args.as_of, progress=progress
        )
        result = {
            **summary.__dict__,
            "as_of": summary.as_of.isoformat(),
            "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps(result))
        return 0
    if args.command == "kpis":
        period = metrics.Period.from_inclusive(args.start, args.end)
        with db.reading() as cur:
            figures = metrics.compute_kpis(cur, CLI_VIEWER, period, by=args.by)
        print(json.dumps(figures, default=str))
        return 0
    if args.command == "user" and args.user_command == "add":
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
        print(
            json.dumps({"user_id": user_id, "email": args.email.strip().lower(), "role": args.role})
        )
        return 0
    if args.command == "user" and args.user_command == "list":
        with db.reading() as cur:
            users = auth.list_users(cur)
        print(users.to_json(orient="records", date_format="iso"))
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        db = _open(args.db)
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(args, db)
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        close_database(db)
