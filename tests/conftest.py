"""Shared fixtures: a migrated in-memory database, and one demo workspace file per test run."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from dashboard import auth, demo
from dashboard.config import get_settings
from dashboard.db import Database, close_all, migrate, open_database

DEMO_DEALS = 3_000
TODAY = dt.date.today()


@pytest.fixture
def db() -> Database:
    """An empty, migrated in-memory database."""
    database = Database(":memory:")
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def cur(db: Database):
    """A cursor on the empty database."""
    with db.reading() as cursor:
        yield cursor


def build_small_demo(
    path: Path | str = ":memory:", deals: int = DEMO_DEALS, seed: int = 7
) -> Database:
    """A demo workspace small enough for unit tests, as of today."""
    database = Database(str(path))
    migrate(database)
    demo.build_demo(database, deals=deals, seed=seed, as_of=TODAY)
    return database


@pytest.fixture(scope="session")
def demo_db() -> Database:
    """A demo workspace in memory, shared read-only by the tests of a run."""
    database = build_small_demo()
    yield database
    database.close()


@pytest.fixture(scope="session")
def workspace_file(tmp_path_factory) -> Path:
    """A demo workspace file, set as SALES_DB for the app under test (AppTest runs in-process)."""
    path = tmp_path_factory.mktemp("workspace") / "sales.duckdb"
    build_small_demo(path).close()
    os.environ["SALES_DB"] = str(path)
    get_settings.cache_clear()
    open_database(str(path))
    yield path
    close_all()


def viewers(cursor) -> dict[str, auth.Viewer]:
    """The demo accounts as viewers, by role."""
    return {role: auth.viewer_for_email(cursor, email) for email, _, role in demo.DEMO_USERS}


@pytest.fixture(scope="session")
def demo_viewers(demo_db: Database) -> dict[str, auth.Viewer]:
    with demo_db.reading() as cursor:
        return viewers(cursor)
