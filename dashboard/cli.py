"""Command line: `python -m dashboard <command>`.

Every command opens (and if needed creates and migrates) the database given by --db or by
the configuration, and calls the same domain functions as the pages. Commands live in
dashboard/commands/, one module per domain, listed in COMMAND_MODULES.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from dashboard.config import get_settings
from dashboard.db import close_database, open_database
from dashboard.errors import DomainError

COMMAND_MODULES = (
    "dashboard.commands.core",
    "dashboard.commands.pipeline",
    "dashboard.commands.reports",
    "dashboard.commands.goals",
    "dashboard.commands.store",
    "dashboard.commands.imports",
    "dashboard.commands.compensation",
    "dashboard.commands.analytics",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        db = open_database(args.db or get_settings().db_path)
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, db)
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        close_database(db)
