"""Pieces every command module shares."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dashboard import auth

# The command line acts with full scope, like an administrator at the console.
CLI_VIEWER = auth.Viewer(
    user_id=0, email="cli@localhost", display_name="Command line", role="admin"
)


def iso_date(text: str) -> dt.date:
    """argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def add_db(parser: argparse.ArgumentParser) -> None:
    """The --db option every command takes."""
    parser.add_argument(
        "--db", help="database file (default: SALES_DB, secrets.toml, data/sales.duckdb)"
    )


def print_progress(fraction: float, message: str) -> None:
    """Progress of long work on stderr (stdout keeps the JSON result): `[ 40%] message`."""
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)
