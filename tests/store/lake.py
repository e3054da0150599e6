"""The alternative the shared store was measured against: a DuckLake catalog in PostgreSQL with
the data as Parquet files in a folder, driven by the same domain code (bench and tests only).

DuckLake (DuckDB 1.5.5) has no primary keys, unique or check constraints, no sequences and no
RETURNING, so a workspace copied into it keeps its rows but not its rules: new ids come out
null, and nothing stops a duplicate. That is enough to time the app's reads and deal edits on
it, which is all this module is for; the app itself never opens a DuckLake.

    lake = LakeDatabase.create(catalog_dsn, data_folder, source_file)   # copy a workspace
    lake = LakeDatabase(catalog_dsn, data_folder)                       # another process
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from dashboard import store
from dashboard.db import migration_files

LAKE = "lake"
# the one write the load test makes through RETURNING: deals.update_deal
KEYS = {"opportunities": ("opportunity_id", None)}
_CONFLICT = ("conflict",)


class LakeCursor(store.StoreCursor):
    """A store cursor whose DuckLake commit conflicts read as StoreConflict (nothing saved)."""

    def execute(self, query: str, parameters: Any = None) -> LakeCursor:
        try:
            return super().execute(query, parameters)
        except duckdb.Error as error:
            raise _conflict(error) from error

    def commit(self) -> None:
        try:
            super().commit()
        except duckdb.Error as error:
            raise _conflict(error) from error


def _conflict(error: duckdb.Error) -> Exception:
    if any(mark in str(error).lower() for mark in _CONFLICT):
        return store.StoreConflict(
            "Someone else changed the same records at the same moment. Nothing of yours was "
            "saved; reload and try again."
        )
    return error


class LakeDatabase(store.StoreDatabase):
    """A DuckLake workspace (catalog in PostgreSQL, Parquet under `data`) for this process."""

    kind = "ducklake"

    def __init__(self, catalog_dsn: str, data: str | Path, replay: bool = True):
        self.path = f"ducklake:postgres:{catalog_dsn}"
        self._write_lock = threading.RLock()
        self._keys = dict(KEYS)
        self.data = Path(data)
        # one DuckDB thread per process, as the store: the comparison is per process
        self._con = duckdb.connect(":memory:", config=store.store_config(1))
        self._con.execute("load postgres")
        self._con.execute("load ducklake")
        literal = "'" + self.path.replace("'", "''") + "'"
        folder = "'" + (str(data).rstrip("/") + "/").replace("'", "''") + "'"
        self._con.execute(f"attach {literal} as {LAKE} (data_path {folder})")
        if replay:  # a macro's body is bound when it is created: the tables come first
            self.replay_macros()

    @classmethod
    def create(cls, catalog_dsn: str, data: str | Path, source: str | Path) -> LakeDatabase:
        """A new DuckLake holding every table (rows and column types) of a workspace file."""
        lake = cls(catalog_dsn, data, replay=False)
        con = lake._con
        literal = "'" + str(source).replace("'", "''") + "'"
        con.execute(f"attach {literal} as source (read_only)")
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'source'"
                " order by table_name"
            ).fetchall()
        ]
        for table in tables:
            con.execute(f"create table {LAKE}.main.{table} as from source.main.{table}")  # noqa: S608
        con.execute("detach source")
        lake.replay_macros()
        return lake

    def _new_cursor(self) -> LakeCursor:
        cursor = self._con.cursor()
        cursor.execute(f"use {LAKE}")
        cursor.execute(f"set search_path = '{LAKE}.main,memory.main'")
        return LakeCursor(cursor, self)

    def describe(self) -> str:
        return store.redact(self.path)

    def replay_macros(self) -> None:
        """The migrations' macros, in order, in this process's catalog (as the store does)."""
        with self.reading() as cur:
            for path in migration_files():
                for statement in duckdb.extract_statements(path.read_text(encoding="utf-8")):
                    query = statement.query.strip()
                    if store._MACRO.match(store._COMMENT.sub("", query)):
                        store._create_macro(cur, query)

    def key_of(self, table: str) -> tuple[str, str | None] | None:
        return self._keys.get(table)

    def count_files(self) -> int:
        """Parquet data and delete files the lake holds now (each small write adds some)."""
        return len(list(self.data.rglob("*.parquet")))
