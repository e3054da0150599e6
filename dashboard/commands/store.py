"""Workspace commands: backup, restore, migrate-store."""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from pathlib import Path

from dashboard import backup
from dashboard.commands.common import add_db
from dashboard.db import Database, close_database, is_store_url, open_database


def register(commands: argparse._SubParsersAction) -> None:
    save = commands.add_parser(
        "backup", help="write a consistent snapshot of the workspace (Parquet + manifest)"
    )
    add_db(save)
    save.add_argument("--out", required=True, type=Path, help="a new or empty folder")
    save.set_defaults(handler=run_backup)

    load = commands.add_parser(
        "restore", help="rebuild a backup into a new database, checked against its manifest"
    )
    load.add_argument("--from", dest="source", required=True, type=Path, help="backup folder")
    load.add_argument(
        "--db",
        required=True,
        help="the new database: a file that does not exist yet (or is an empty workspace), "
        "or an empty shared store (postgresql://...)",
    )
    load.set_defaults(handler=run_restore)

    move = commands.add_parser(
        "migrate-store",
        help="copy a workspace to another database (e.g. the shared store) without losing a row",
    )
    move.add_argument(
        "--from",
        dest="db",
        help="the workspace to copy (default: SALES_DB, secrets.toml, data/sales.duckdb)",
    )
    move.add_argument(
        "--to", required=True, help="an empty target: postgresql://... or a new DuckDB file"
    )
    move.set_defaults(handler=run_migrate_store)


def _print(summary: object) -> None:
    print(json.dumps(dataclasses.asdict(summary), default=str))


def run_backup(args: argparse.Namespace, db: Database) -> int:
    _print(backup.create_backup(db, args.out))
    return 0


def run_restore(args: argparse.Namespace, db: Database) -> int:
    # the command line opened (and, when new, created) the target; it must hold no data
    backup.read_manifest(args.source)
    backup.check_restorable(db)
    if db.kind != "embedded":
        _print(backup.restore_into(db, args.source))
        return 0
    close_database(db)
    _print(backup.restore_to_file(args.source, args.db, replace_empty=True))
    return 0


def run_migrate_store(args: argparse.Namespace, db: Database) -> int:
    if args.to == args.db or (
        not is_store_url(args.to) and Path(args.to).resolve() == Path(db.path).resolve()
    ):
        from dashboard.errors import ValidationError

        raise ValidationError("--to names the workspace being copied; choose another target")
    with tempfile.TemporaryDirectory(prefix="sales-migrate-") as folder:
        snapshot = backup.create_backup(db, Path(folder) / "snapshot")
        if is_store_url(args.to):
            target = open_database(args.to)
            try:
                result = backup.restore_into(target, snapshot.folder)
            finally:
                close_database(target)
        else:
            result = backup.restore_to_file(snapshot.folder, args.to)
    print(
        json.dumps(
            {
                "from": db.describe(),
                "to": result.target,
                "tables": result.tables,
                "rows": result.rows,
                "checked": "row counts, numeric sums and row checksums of every table",
            }
        )
    )
    return 0
