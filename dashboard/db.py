"""The database: opened once per process, a cursor per unit of work, one write lock.

Writes go through `Database.transaction()`: one lock, one transaction, rolled back on
any error so a failed write changes nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dashboard import QUERIES_DIR, sql
from dashboard.config import Settings, get_settings
from dashboard.errors import DatabaseBusy, MigrationError

MIGRATIONS_DIR = QUERIES_DIR / "schema"
# A database setting that starts with one of these is the shared store (dashboard.store).
STORE_PREFIXES = ("postgresql://", "postgres://", "postgres:")

_open: dict[str, Database] = {}
_open_lock = threading.Lock()


class Database:
    """One DuckDB database for this process (the embedded file; see dashboard.store for the
    shared store, which overrides the hooks below)."""

    kind = "embedded"

    def __init__(self, path: str, threads: int | None = None, memory_limit: str | None = None):
        self.path = path
        config: dict[str, str | int] = {}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(path, config=config)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise DatabaseBusy(
                    f"The database {path} is in use by another process (the app or another "
                    "command). Stop it, or point SALES_DB at another file."
                ) from error
            raise
        self._write_lock = threading.RLock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one unit of work on the calling thread (close it when done)."""
        return self._con.cursor()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for reads, closed afterwards."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one write transaction: commit on success, roll back on error."""
        with self._write_lock:
            cur = self._con.cursor()
            try:
                cur.begin()
                try:
                    yield cur
                except BaseException:
                    cur.rollback()
                    raise
                cur.commit()
            finally:
                cur.close()

    def close(self) -> None:
        self._con.close()

    def describe(self) -> str:
        """Where the data lives, safe to print (no secrets)."""
        return self.path

    def execute_script(self, cur: duckdb.DuckDBPyConnection, text: str) -> None:
        """Run a migration file's statements on a cursor inside the caller's transaction."""
        cur.execute(text)

    def list_sequences(self, cur: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
        """Each sequence of the workspace and the last value it handed out (None: never used)."""
        rows = sql.fetch_all(cur, "store/list_sequences")
        return {row["sequence_name"]: row["last_value"] for row in rows}

    def advance_sequence(self, cur: duckdb.DuckDBPyConnection, name: str, last_value: int) -> None:
        """Move a sequence forward so the next value it hands out is last_value + 1."""
        current = self.list_sequences(cur).get(name)
        steps = last_value - (current or 0)
        if steps > 0:
            sql.execute(cur, "store/advance_sequence", sequence=name, steps=steps)


def next_ids(cur: duckdb.DuckDBPyConnection, sequence: str, count: int) -> list[int]:
    """`count` new values of the workspace sequence `sequence`, ascending: the ids row-by-row
    inserts would get. Every caller that needs ids before it inserts draws them here.

    On the shared store the sequences live in PostgreSQL, where DuckDB's nextval() does not
    look: its cursor draws them there (dashboard.store.StoreCursor.next_values)."""
    if count <= 0:
        return []
    from_store = getattr(cur, "next_values", None)
    if from_store is not None:
        return from_store(sequence, count)
    rows = sql.fetch_all(cur, "store/draw_ids", sequence=sequence, count=count)
    return [int(row["id"]) for row in rows]


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """Migration files NNN_name.sql in the order they apply."""
    return sorted(path for path in directory.glob("[0-9][0-9][0-9]_*.sql"))


def applied_migrations(db: Database) -> list[str]:
    """Names of migrations already applied to this database."""
    with db.reading() as cur:
        exists = cur.execute(
            "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
        ).fetchone()[0]
        if not exists:
            return []
        return [
            row[0]
            for row in cur.execute("select name from schema_migrations order by name").fetchall()
        ]


def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction; returns their names."""
    with db.transaction() as cur:
        cur.execute(
            "create table if not exists schema_migrations ("
            " name varchar primary key, checksum varchar not null,"
            " applied_at timestamp not null default current_timestamp)"
        )
    done = set(applied_migrations(db))
    applied = []
    for path in migration_files(directory):
        if path.stem in done:
            continue
        text = path.read_text(encoding="utf-8")
        try:
            with db.transaction() as cur:
                db.execute_script(cur, text)
                cur.execute(
                    "insert into schema_migrations (name, checksum) values ($name, $checksum)",
                    {"name": path.stem, "checksum": hashlib.sha256(text.encode()).hexdigest()},
                )
        except Exception as error:
            if path.stem in set(applied_migrations(db)):
                continue  # another app server on the shared store applied it at the same moment
            if not isinstance(error, duckdb.Error):
                raise
            raise MigrationError(
                f"migration {path.name} failed and was not applied: {error}"
            ) from error
        applied.append(path.stem)
    return applied


def is_store_url(path: str) -> bool:
    """Whether a configured database names the shared PostgreSQL store instead of a file."""
    return path.startswith(STORE_PREFIXES)


def open_database(path: str | None = None, settings: Settings | None = None) -> Database:
    """The process-wide database for a path (default from settings), migrated to the latest schema."""
    settings = settings or get_settings()
    path = path or settings.db_path
    shared = is_store_url(path)
    key = path if path == ":memory:" or shared else str(Path(path).resolve())
    with _open_lock:
        if key not in _open or path == ":memory:":
            if shared:
                from dashboard.store import StoreDatabase  # the shared store loads extensions

                db = StoreDatabase(
                    path, threads=settings.threads, memory_limit=settings.memory_limit
                )
            else:
                db = Database(path, threads=settings.threads, memory_limit=settings.memory_limit)
            migrate(db)
            if path == ":memory:":
                return db
            _open[key] = db
        return _open[key]


def close_database(db: Database) -> None:
    """Close one database opened by open_database and forget it."""
    with _open_lock:
        for key, opened in list(_open.items()):
            if opened is db:
                del _open[key]
        db.close()


def close_all() -> None:
    """Close every database this process opened (tests and CLI exit)."""
    with _open_lock:
        for db in _open.values():
            db.close()
        _open.clear()
