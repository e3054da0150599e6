"""Shared pieces of the import tests: a small workspace, viewers, file builders, table dumps.

(Named test_import_* so it sits with the import tests; it holds no tests itself.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard import PROJECT_ROOT
from dashboard.auth import Viewer
from dashboard.db import Database, migrate
from dashboard.importing import planning
from dashboard.importing.loading import LoadResult, load_tables

ANALYST = Viewer(4, "an@x", "Analyst", "analyst")
ADMIN = Viewer(1, "admin@x", "Admin", "admin")
REP = Viewer(2, "one@x", "Rep One", "rep", rep_id=1)
MANAGER = Viewer(3, "m@x", "Manager", "manager", team_id=2)
NOW = dt.datetime(2026, 3, 2, 9, 0)
DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"

# tables an import writes, compared whole between paths and before/after undo
WORKSPACE_TABLES = (
    "opportunities",
    "opportunity_events",
    "accounts",
    "reps",
    "teams",
    "products",
    "orders",
    "order_lines",
    "returns",
)


def make_workspace() -> Database:
    """A migrated in-memory database with a company, two teams, three reps and a EUR rate."""
    database = Database(":memory:")
    migrate(database)
    return seed_workspace(database)


def seed_workspace(database: Database) -> Database:
    """Put a company, two teams, three reps, the four users and a EUR rate into an empty
    migrated workspace (in memory, a file or the shared store); returns it."""
    with database.transaction() as cur:
        # ids come from the sequences (1, 2, 3 ...) so later inserts do not collide
        cur.execute(
            "insert into teams (team_name, parent_team_id, team_level) values"
            " ('Company', null, 'company'), ('Team A', 1, 'team'), ('Team B', 1, 'team')"
        )
        cur.execute(
            "insert into reps (full_name, email, team_id) values"
            " ('Rep One', 'one@example.com', 2), ('Rep Two', 'two@example.com', 3),"
            " ('Jane Doe', 'jane@example.com', 2)"
        )
        cur.execute(
            "insert into users (email, display_name, role, rep_id, team_id) values"
            " ('admin@x', 'Admin', 'admin', null, null), ('one@x', 'Rep One', 'rep', 1, null),"
            " ('m@x', 'Manager', 'manager', null, 2), ('an@x', 'Analyst', 'analyst', null, null)"
        )
        cur.execute(
            "insert into fx_rates values ('EUR', '2020-01-01', 1.10), ('EUR', '2026-01-01', 1.0850)"
        )
    return database


def csv_bytes(text: str) -> bytes:
    """A CSV file's bytes from an indented literal (first line = header)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def plan_bytes(db: Database, name: str, data: bytes, family: str = "auto", **options):
    """Plans for an upload with mapping options applied (as the page and the CLI do)."""
    with db.reading() as cur:
        plans = planning.plan_file(cur, ANALYST, name, data, family)
    for plan in plans:
        if plan.mapping is not None:
            for key, value in options.items():
                setattr(plan.mapping, key, value)
    return plans


def load_bytes(
    db: Database,
    name: str,
    data: bytes,
    *,
    dry_run: bool = False,
    path: str = "auto",
    now: dt.datetime = NOW,
    allow_duplicate: bool = False,
    viewer: Viewer = ANALYST,
    **options,
) -> LoadResult:
    """Plan and load (or preview) one single-table file; returns its result."""
    plans = plan_bytes(db, name, data, **options)
    items = [(plan.table, plan.mapping) for plan in plans]
    results = load_tables(
        db, viewer, items, dry_run=dry_run, now=now, path=path, allow_duplicate=allow_duplicate
    )
    assert len(results) == 1
    return results[0]


def load_path(db: Database, path: Path, **options) -> list[LoadResult]:
    """Plan and load one file from disk (every table in it)."""
    plans = plan_bytes(
        db,
        path.name,
        path.read_bytes(),
        **{key: value for key, value in options.items() if key not in ("allow_duplicate",)},
    )
    return planning.load(db, ANALYST, plans, allow_duplicate=options.get("allow_duplicate", False))


def dump(db: Database, table: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every row of a table in a stable order (for whole-table comparisons)."""
    with db.reading() as cur:
        frame = cur.execute(f"select * from {table}").df()  # noqa: S608 - fixed table names
    frame = frame.drop(columns=[column for column in drop if column in frame.columns])
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def dump_all(db: Database) -> dict[str, pd.DataFrame]:
    """The workspace tables an import can touch."""
    return {table: dump(db, table) for table in WORKSPACE_TABLES}


def assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    for table in left:
        pd.testing.assert_frame_equal(left[table], right[table], check_dtype=False, obj=table)


def requires_datasets() -> None:
    if not DATASETS.is_dir():
        pytest.skip(f"the shared datasets are not at {DATASETS}")
