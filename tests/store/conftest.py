"""Shared-store tests: a throwaway PostgreSQL cluster on loopback for the session, a migrated
template database, and a fresh copy of it per test. The `db` fixture here overrides the
in-memory one of tests/conftest.py, so domain tests imported into this folder run on the store.

Skipped when PostgreSQL or the pinned DuckDB postgres extension is missing, unless
STORE_TESTS_REQUIRED=1 (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import db as databases
from dashboard import store
from dashboard.db import migrate
from tests.store.postgres_server import PostgresServer, find_bin_dir

REQUIRED = os.environ.get("STORE_TESTS_REQUIRED") == "1"


def release(*targets: str | Path) -> None:
    """Close the databases a test opened through open_database (by file or store address),
    never those of other tests in the same process (the app tests keep theirs open)."""
    for target in targets:
        target = str(target)
        key = target if databases.is_store_url(target) else str(Path(target).resolve())
        opened = databases._open.get(key)
        if opened is not None:
            databases.close_database(opened)


def pytest_collection_modifyitems(config, items) -> None:
    """In the *_on_store modules (domain suites imported from tests/unit), run only the tests
    that work on the `db` fixture: the others use no database or the session's in-memory demo,
    so running them here again would prove nothing about the store. A module may also name
    tests in UNIT_ONLY (checks of input that refuse before anything is written) to leave out."""
    kept, dropped = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        unit_only = getattr(item.module, "UNIT_ONLY", ()) if hasattr(item, "module") else ()
        on_store = "db" in names and "demo_db" not in names
        on_store = on_store and getattr(item, "originalname", item.name) not in unit_only
        (kept if on_store or not item.path.name.endswith("_on_store.py") else dropped).append(item)
    if dropped:
        items[:] = kept
        config.hook.pytest_deselected(items=dropped)


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"STORE_TESTS_REQUIRED=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> PostgresServer:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _unavailable("PostgreSQL is not installed (initdb/pg_ctl): apt-get install -y postgresql")
    try:
        store.extension_file("postgres_scanner")
    except store.StoreUnavailable as error:
        _unavailable(str(error))
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def store_template(pg_server) -> str:
    """A migrated store, copied for each test (PostgreSQL's CREATE DATABASE ... TEMPLATE)."""
    name = pg_server.create_database("sales_template")
    database = store.StoreDatabase(pg_server.url(name))
    migrate(database)
    database.close()
    pg_server.psql(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'sales_template'"
    )
    return name


@pytest.fixture
def store_url(pg_server, store_template) -> str:
    name = pg_server.create_database(template=store_template)
    yield pg_server.url(name)
    release(pg_server.url(name))
    pg_server.drop_database(name)


@pytest.fixture
def db(store_url) -> store.StoreDatabase:
    """The workspace on the shared store (overrides the in-memory database)."""
    database = store.StoreDatabase(store_url)
    yield database
    database.close()
