"""The shared store: the workspace in PostgreSQL, reached through DuckDB, chosen by configuration.

Set SALES_DB (or --db) to a PostgreSQL address (postgresql://user@host:5432/sales, or
postgres:host=... dbname=...) and every app process and command works on that database instead
of a local file. DuckDB attaches it with its postgres extension, loaded offline from the pinned
duckdb-extension-postgres wheel, and runs the same queries/ SQL against it. The tables live in
the database's `public` schema.

What differs on the store, and how this module bridges it without touching the domain code:
- tables, sequences, primary keys, unique and check constraints are created by PostgreSQL
  itself (a migration's DDL runs natively, inside the migration's transaction), so PostgreSQL
  enforces every constraint for every app process; DuckDB-only type names in that DDL are
  spelled PostgreSQL's way first (postgres_ddl: double -> double precision);
- DuckDB table macros (visible_reps, territory_subtree, scoped_deals) cannot be stored in
  PostgreSQL: a migration's macro statements are kept in the table store_macros and created in
  each process's own DuckDB catalog, after the migration commits and whenever a process attaches;
- the postgres extension refuses RETURNING: a statement with RETURNING runs as nextval (new
  keys) + insert + select by key, or select keys + update + select by key, in one transaction;
- PostgreSQL's errors come back as duckdb.ConstraintException (a violated constraint) and
  StoreConflict (someone else changed the same rows meanwhile; nothing was saved).
The extension runs every transaction as REPEATABLE READ: a read sees one snapshot, and a write
to a row that another process changed after that snapshot is refused, never lost.

Speed (measured with bench/bench_store_load.py; figures in bench/results_store.md): each query
sends its filters to PostgreSQL (`where opportunity_id = 7` becomes one index lookup there), so
a deal edit reads the rows it touches instead of copying whole tables into DuckDB. DuckDB's
run-time join filters stay off: with them, a recursive CTE over a PostgreSQL table stops after
one level, which cut the team and territory trees short. Small reference tables are still read
whole for the joins of the scope macros, and a page's aggregates read the deal columns they use
from every deal in scope, so reads grow with the workspace as they do on the embedded file, only
with the rows travelling from PostgreSQL.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pyarrow as pa

from dashboard import QUERIES_DIR, sql
from dashboard.db import Database
from dashboard.errors import DomainError

# extension name DuckDB loads -> the pinned wheel that ships it (pip name, module name)
EXTENSIONS = {
    "postgres_scanner": ("duckdb-extension-postgres", "duckdb_extension_postgres", "postgres"),
    "ducklake": ("duckdb-extension-ducklake", "duckdb_extension_ducklake", "ducklake"),
}
REQUIRED_EXTENSIONS = ("postgres_scanner",)
NATIVE_DIR = QUERIES_DIR / "store" / "postgres"
CATALOG = "store"


class StoreUnavailable(DomainError):
    """The shared store cannot be used: an extension is missing or the server is unreachable."""


class StoreConflict(DomainError):
    """Another process changed the same rows at the same moment; this write was not saved."""


class StoreUnsupported(DomainError):
    """A statement the shared store cannot run as written (a bug to fix in the SQL file)."""


# --- extensions, offline --------------------------------------------------------------------


def extension_file(name: str) -> Path:
    """The extension binary shipped by its pinned wheel (no download ever happens)."""
    pip_name, module, stem = EXTENSIONS[name]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise StoreUnavailable(
            f"the shared store needs the DuckDB {stem} extension: "
            f"pip install {pip_name}=={duckdb.__version__}"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "extensions"
    found = sorted(folder.glob(f"v{duckdb.__version__}/*.duckdb_extension"))
    if not found:
        raise StoreUnavailable(
            f"{pip_name} does not match DuckDB {duckdb.__version__}: "
            f"pip install {pip_name}=={duckdb.__version__}"
        )
    return found[0]


@cache
def _platform() -> str:
    return duckdb.connect().execute("pragma platform").fetchone()[0]


def extension_directory() -> Path:
    """A private DuckDB extension directory whose files point at the wheels' binaries.

    DuckDB finds an extension at <dir>/v<version>/<platform>/<name>.duckdb_extension and derives
    its entry point from that file name (postgres_scanner, not the wheel's 'postgres')."""
    root = Path(tempfile.gettempdir()) / f"sales-dashboard-duckdb-extensions-{os.getuid()}"
    folder = root / f"v{duckdb.__version__}" / _platform()
    folder.mkdir(parents=True, exist_ok=True)
    for name in EXTENSIONS:
        try:
            target, link = extension_file(name), folder / f"{name}.duckdb_extension"
        except StoreUnavailable:
            if name in REQUIRED_EXTENSIONS:
                raise
            continue  # ducklake: only the load bench's comparison loads it
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        partial = folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        partial.unlink(missing_ok=True)
        partial.symlink_to(target)
        os.replace(partial, link)
    return root


def store_config(threads: int | None = None, memory_limit: str | None = None) -> dict[str, Any]:
    """DuckDB settings for a process that attaches the store: extensions only from the wheels."""
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "extension_directory": str(extension_directory()),
    }
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    return config


# --- addresses --------------------------------------------------------------------------------


def connection_string(url: str) -> str:
    """What libpq gets: a postgresql:// URI as it is, or the key=value part of postgres:..."""
    if url.startswith(("postgresql://", "postgres://")):
        return url
    return url.removeprefix("postgres:").strip()


def redact(url: str) -> str:
    """The address without its password, for messages, logs and backup manifests."""
    if url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(url)
        if parts.password is not None:
            host = parts.hostname or ""
            if parts.port:
                host = f"{host}:{parts.port}"
            netloc = f"{parts.username}:***@{host}" if parts.username else host
            return urlunsplit(parts._replace(netloc=netloc))
        return url
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", url)


def _attach_statement(url: str) -> str:
    """ATTACH takes no bound parameters: the configured address becomes one quoted literal."""
    dsn = connection_string(url)
    if not dsn or any(char in dsn for char in "\x00\n\r") or len(dsn) > 4096:
        raise StoreUnavailable(f"{redact(url)} is not a PostgreSQL address")
    literal = "'" + dsn.replace("'", "''") + "'"
    return "attach " + literal + " as " + CATALOG + " (type postgres)"


def _native(name: str) -> str:
    """A PostgreSQL statement from queries/store/postgres/<name>.sql (run by PostgreSQL itself)."""
    return _COMMENT.sub("", (NATIVE_DIR / f"{name}.sql").read_text(encoding="utf-8")).strip()


# --- RETURNING, emulated ------------------------------------------------------------------

_COMMENT = re.compile(r"--[^\n]*")
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_INSERT = re.compile(
    rf"^\s*insert\s+into\s+(?P<table>{_IDENTIFIER})\s*\((?P<columns>[^()]*)\)\s*(?P<rows>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_UPDATE = re.compile(
    rf"^\s*update\s+(?P<table>{_IDENTIFIER})\s+set\s+(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
_MACRO = re.compile(r"^\s*create\s+(or\s+replace\s+)?macro\s+", re.IGNORECASE)
# DuckDB type names PostgreSQL spells differently (a migration's DDL is written for DuckDB)
_DUCKDB_TYPES = {
    re.compile(r"\bdouble\b(?!\s+precision)", re.IGNORECASE): "double precision",
}
_LITERAL_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")
# How each process's DuckDB talks to the store (see "Speed" in the module docstring):
_SETTINGS = (
    # a query sends its filters to PostgreSQL (`where opportunity_id = 7` reads one row through
    # the primary key, not the whole table); without this every query copied whole tables
    "set global pg_experimental_filter_pushdown = true",
    # ...but not the filters DuckDB derives while a join runs: with them a recursive CTE over a
    # PostgreSQL table (the visible_reps and territory_subtree macros) stops after one level
    # (DuckDB 1.5.5) - wrong rows. They sent nothing to PostgreSQL for the deal queries anyway
    "set global disabled_optimizers = 'join_filter_pushdown'",
    # one DuckDB thread reads each table in one piece: no ctid ranges for PostgreSQL to plan
    "set global pg_use_ctid_scan = false",
)
_SERIALIZATION = ("could not serialize access", "deadlock detected")
_CONSTRAINT = ("violates unique constraint", "violates check constraint", "violates not-null")


def _top_level(text: str, word: str) -> list[int]:
    """Offsets of `word` (a keyword) outside parentheses and string literals."""
    found, depth, index, quote = [], 0, 0, False
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    while index < len(text):
        char = text[index]
        if quote:
            quote = char != "'"
        elif char == "'":
            quote = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif (
            depth == 0
            and pattern.match(text, index)
            and (index == 0 or not text[index - 1].isalnum())
        ):
            found.append(index)
        index += 1
    return found


@lru_cache(maxsize=512)
def split_returning(text: str) -> tuple[str, str] | None:
    """(statement without RETURNING, the returned expressions), or None without RETURNING."""
    bare = _COMMENT.sub("", text).strip().rstrip(";").strip()
    at = _top_level(bare, "returning")
    if not at:
        return None
    return bare[: at[-1]].strip(), bare[at[-1] + len("returning") :].strip()


def _bound(text: str, params: dict[str, Any]) -> dict[str, Any]:
    used = sql.parameters_of(text)
    return {key: value for key, value in params.items() if key in used}


def _error(error: duckdb.Error) -> Exception:
    """PostgreSQL's refusals as the errors the embedded file gives (or StoreConflict)."""
    message = str(error)
    if any(mark in message for mark in _SERIALIZATION):
        return StoreConflict(
            "Someone else changed the same records at the same moment. Nothing of yours was "
            "saved; reload and try again."
        )
    if any(mark in message for mark in _CONSTRAINT) and not isinstance(
        error, duckdb.ConstraintException
    ):
        return duckdb.ConstraintException(message)
    return error


class StoreCursor:
    """A DuckDB cursor on the store: runs RETURNING statements and translates PostgreSQL's
    errors; everything else is the DuckDB cursor itself."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, db: StoreDatabase):
        self._cursor = cursor
        self._db = db
        self._in_transaction = False
        self.pending_macros: list[str] = []  # a migration's macros, created after it commits

    def begin(self) -> None:
        self._cursor.begin()
        self._in_transaction = True

    def rollback(self) -> None:
        self._in_transaction = False
        self._cursor.rollback()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def execute(self, query: str, parameters: Any = None) -> StoreCursor:
        word = query.strip().split(maxsplit=1)[0].lower().rstrip(";") if query.strip() else ""
        if word in ("begin", "commit", "rollback", "abort", "end"):
            {"begin": self.begin, "commit": self.commit}.get(word, self.rollback)()
            return self
        try:
            split = split_returning(query) if "returning" in query.lower() else None
            if split is None:
                self._run(query, parameters)
            else:
                self._returning(split[0], split[1], dict(parameters or {}))
        except duckdb.Error as error:
            translated = _error(error)
            if translated is error:
                raise
            raise translated from error
        return self

    def commit(self) -> None:
        self._in_transaction = False
        try:
            self._cursor.commit()
        except duckdb.Error as error:
            translated = _error(error)
            if translated is error:
                raise
            raise translated from error

    def next_values(self, sequence: str, count: int) -> list[int]:
        """`count` new values of a workspace sequence, ascending (PostgreSQL's sequence: DuckDB's
        nextval() knows only its own catalog's)."""
        if count <= 0:
            return []
        return sorted(self._db.next_values(self._cursor, sequence, count))

    def _run(self, query: str, parameters: Any = None) -> None:
        if parameters:
            self._cursor.execute(query, parameters)
        else:
            self._cursor.execute(query)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """The caller's transaction, or one of our own when there is none."""
        if self._in_transaction:
            yield
            return
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def _returning(self, statement: str, returned: str, params: dict[str, Any]) -> None:
        insert, update = _INSERT.match(statement), _UPDATE.match(statement)
        table = (insert or update).group("table") if (insert or update) else None
        key = self._db.key_of(table) if table else None
        if key is None:
            raise StoreUnsupported(
                "the shared store runs RETURNING only on an insert or update of a table with a "
                f"one-column primary key: {statement[:80]}"
            )
        column, sequence = key
        with self._atomic():
            if insert:
                keys = self._insert(table, column, sequence, insert, params)
            else:
                keys = self._update(table, column, update.group("rest"), params)
            self._select(table, column, returned, keys)

    def _insert(
        self, table: str, column: str, sequence: str | None, match: re.Match, params: dict
    ) -> list[Any]:
        columns = [name.strip() for name in match.group("columns").split(",")]
        rows_sql = match.group("rows").strip()
        self._run("select * from (" + rows_sql + ")", _bound(rows_sql, params))  # noqa: S608
        pending = self._cursor.to_arrow_table()
        if pending.num_rows == 0:
            return []
        pending = pending.rename_columns(columns)
        if column in columns:
            keys = pending.column(column).to_pylist()
        else:
            if sequence is None:
                raise StoreUnsupported(f"{table}.{column} has no sequence to draw new keys from")
            keys = self._db.next_values(self._cursor, sequence, pending.num_rows)
            pending = pending.add_column(0, column, pa.array(keys, type=pa.int64()))
        name = f"store_pending_{id(self)}"
        self._cursor.register(name, pending)
        try:
            names = ", ".join(pending.column_names)
            self._run(f"insert into {table} ({names}) select {names} from {name}")  # noqa: S608
        finally:
            self._cursor.unregister(name)
        return keys

    def _update(self, table: str, column: str, rest: str, params: dict) -> list[Any]:
        where = _top_level(rest, "where")
        if not where:
            condition, assignments = "true", rest
        else:
            condition, assignments = rest[where[0] + len("where") :], rest[: where[0]]
        self._run(f"select {column} from {table} where {condition}", _bound(condition, params))  # noqa: S608
        keys = [row[0] for row in self._cursor.fetchall()]
        if keys:
            text = f"update {table} set {assignments} where {condition}"  # noqa: S608
            self._run(text, _bound(text, params))
        return keys

    def _select(self, table: str, column: str, returned: str, keys: list[Any]) -> None:
        if len(keys) == 1:
            text = f"select {returned} from {table} where {column} = $store_key"  # noqa: S608
            self._run(text, {"store_key": keys[0]})
        elif keys and all(isinstance(key, int) for key in keys):
            # the range goes to PostgreSQL (read through the key's index), the list stays here
            text = (
                f"select {returned} from {table}"  # noqa: S608
                f" where {column} between $store_low and $store_high"
                f" and list_contains($store_keys, {column}) order by {column}"
            )
            bounds = {"store_low": min(keys), "store_high": max(keys)}
            self._run(text, {"store_keys": keys, **bounds})
        else:
            text = (
                f"select {returned} from {table}"  # noqa: S608
                f" where list_contains($store_keys, {column}) order by {column}"
            )
            self._run(text, {"store_keys": keys})


# --- the database -------------------------------------------------------------------------


class StoreDatabase(Database):
    """The workspace in PostgreSQL, attached to this process's DuckDB."""

    kind = "postgres"

    def __init__(self, path: str, threads: int | None = None, memory_limit: str | None = None):
        self.path = path
        self._write_lock = threading.RLock()
        self._keys: dict[str, tuple[str, str | None]] | None = None
        # one DuckDB thread: with more, a query whose plan scans several PostgreSQL tables inside
        # one transaction can wait forever on the transaction's single connection (seen with
        # the scoped_deals macro under DuckDB 1.5.5); PostgreSQL serves the processes in parallel
        self._con = duckdb.connect(":memory:", config=store_config(1, memory_limit))
        try:
            self._con.execute("load postgres")
            for setting in _SETTINGS:
                self._con.execute(setting)
            self._con.execute(_attach_statement(path))
        except duckdb.Error as error:
            self._con.close()
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            raise StoreUnavailable(
                f"cannot open the shared store {redact(path)}: {first}"
            ) from None
        with self.transaction() as cur:
            cur.execute("call postgres_execute($catalog, $statement)", _bootstrap_params())
            cur.execute("call pg_clear_cache()")
        self.replay_macros()

    def _new_cursor(self) -> StoreCursor:
        cursor = self._con.cursor()
        cursor.execute("use store")
        cursor.execute("set search_path = 'store.public,memory.main'")
        return StoreCursor(cursor, self)

    def cursor(self) -> StoreCursor:
        return self._new_cursor()

    @contextmanager
    def reading(self) -> Iterator[StoreCursor]:
        cur = self._new_cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[StoreCursor]:
        """A cursor inside one write transaction, on a PostgreSQL connection of its own.

        The sessions of one process take turns (the process's write lock, as on the embedded
        file): measured, letting them write at once saved no time on 2 cores, and sessions
        editing the same deal then refused each other's saves instead of queueing. Processes
        write at the same time; PostgreSQL refuses the later of two writes to the same rows."""
        with self._write_lock:
            cur = self._new_cursor()
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
            if cur.pending_macros:  # a migration committed: its macros, in this process too
                self._create_macros(cur.pending_macros)

    def describe(self) -> str:
        return redact(self.path)

    # migrations: DDL natively in PostgreSQL, macros into DuckDB, data statements through DuckDB
    def execute_script(self, cur: StoreCursor, text: str) -> None:
        for statement in duckdb.extract_statements(text):
            query = statement.query.strip()
            if _MACRO.match(_COMMENT.sub("", query)):
                cur.execute(
                    "insert into store_macros (statement_sha256, statement) values ($sha, $text)",
                    {"sha": hashlib.sha256(query.encode()).hexdigest(), "text": query},
                )
                cur.pending_macros.append(query)
            elif statement.type in (
                duckdb.StatementType.CREATE,
                duckdb.StatementType.ALTER,
                duckdb.StatementType.DROP,
            ):
                cur.execute(
                    "call postgres_execute($catalog, $statement)",
                    {"catalog": CATALOG, "statement": postgres_ddl(query)},
                )
                cur.execute("call pg_clear_cache()")
                self._keys = None
            else:
                cur.execute(query)

    def _create_macros(self, statements: list[str]) -> None:
        with self.reading() as cur:
            for statement in statements:
                _create_macro(cur, statement)

    def replay_macros(self) -> None:
        """Create every macro the migrations defined, in order, in this process's catalog."""
        with self.reading() as cur:
            for (statement,) in _native_rows(cur, "list_macros"):
                _create_macro(cur, statement)

    # keys and sequences, read from PostgreSQL's own catalog
    def key_of(self, table: str) -> tuple[str, str | None] | None:
        """(primary key column, its sequence or None) of a table with a one-column key."""
        if self._keys is None or table not in self._keys:
            with self.reading() as cur:
                rows = _native_rows(cur, "list_keys")
            keys = {}
            for table_name, column, default in rows:
                match = re.search(r"nextval\('([^']+)'", default or "")
                keys[table_name] = (column, match.group(1).split(".")[-1] if match else None)
            self._keys = keys
        return self._keys.get(table)

    def next_values(self, cur: duckdb.DuckDBPyConnection, sequence: str, count: int) -> list[int]:
        """`count` new values from a PostgreSQL sequence."""
        rows = _native_rows(cur, "next_values", sequence, count)
        return [int(row[0]) for row in rows]

    def list_sequences(self, cur: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
        return {name: last for name, last in _native_rows(cur, "list_sequences")}

    def advance_sequence(self, cur: duckdb.DuckDBPyConnection, name: str, last_value: int) -> None:
        current = self.list_sequences(cur).get(name)
        if current is None or current < last_value:
            _native_rows(cur, "set_sequence", name, last_value)


def postgres_ddl(statement: str) -> str:
    """A migration's DDL as PostgreSQL reads it: DuckDB-only type names spelled its way
    (outside string literals and comments, which stay as written)."""
    parts, last = [], 0
    for match in _LITERAL_OR_COMMENT.finditer(statement):
        parts += [_spell_types(statement[last : match.start()]), match.group()]
        last = match.end()
    parts.append(_spell_types(statement[last:]))
    return "".join(parts).strip()


def _spell_types(text: str) -> str:
    for pattern, name in _DUCKDB_TYPES.items():
        text = pattern.sub(name, text)
    return text


def _bootstrap_params() -> dict[str, str]:
    return {"catalog": CATALOG, "statement": _native("bootstrap")}


def _create_macro(cur: duckdb.DuckDBPyConnection, statement: str) -> None:
    """A migration's `create macro name...` as `create or replace macro memory.main.name...`:
    macros live in each process's DuckDB catalog, their bodies read the store's tables."""
    bare = _COMMENT.sub("", statement).strip()
    head = _MACRO.match(bare)
    cur.execute("create or replace macro memory.main." + bare[head.end() :])


def _native_rows(cur: duckdb.DuckDBPyConnection, name: str, *values: Any) -> list[tuple]:
    """Rows of a PostgreSQL statement (queries/store/postgres/<name>.sql) with $1, $2 bound.

    Bound values need the extension's text protocol, switched on for this statement only; they
    travel as text and each statement casts them."""
    query = {"catalog": CATALOG, "query": _native(name)}
    if not values:
        return cur.execute("select * from postgres_query($catalog, $query)", query).fetchall()
    if len(values) != 2:
        raise ValueError("native statements take no or two values")
    cur.execute("set pg_use_text_protocol = true")
    try:
        return cur.execute(
            "select * from postgres_query($catalog, $query, params := row($first, $second))",
            {**query, "first": str(values[0]), "second": str(values[1])},
        ).fetchall()
    finally:
        cur.execute("reset pg_use_text_protocol")


# --- change tracking across processes -------------------------------------------------------


def workspace_revision(cur: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """A token that changes whenever any process commits a write (every write is audited)."""
    row = sql.fetch_one(cur, "store/get_revision")
    return int(row["changes"]), int(row["last_audit_id"])


class ChangeWatch:
    """Calls `on_change` (e.g. st.cache_data.clear) when another process wrote to the workspace
    since the last look; looks at most every `interval` seconds."""

    def __init__(self, on_change: Callable[[], None], interval: float = 5.0):
        self.on_change = on_change
        self.interval = interval
        self._seen: tuple[int, int] | None = None
        self._looked = 0.0
        self._lock = threading.Lock()

    def check(self, db: Database, now: float) -> bool:
        """Look (if due); returns whether caches were cleared."""
        with self._lock:
            if self._seen is not None and now - self._looked < self.interval:
                return False
            self._looked = now
            with db.reading() as cur:
                revision = workspace_revision(cur)
            changed = self._seen is not None and revision != self._seen
            self._seen = revision
        if changed:
            self.on_change()
        return changed
