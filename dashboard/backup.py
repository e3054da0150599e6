"""Backups: a consistent snapshot of the workspace as Parquet files plus a checked manifest.

A backup folder holds one Parquet file per table (tables/<name>.parquet, schema_migrations
included), the text of every migration the workspace had applied (schema/NNN_name.sql), and
manifest.json: for each table its columns, row count, the exact sum of every numeric column
and an order-independent checksum of its rows; each sequence's last value; each file's
sha256. Everything is read inside one read transaction, so the snapshot is consistent even
while the app keeps writing.

A restore rebuilds the schema from the backup's own migration files, loads every table,
puts the sequences back, and compares every figure with the manifest before anything is
kept; then it applies the migrations that are newer than the backup. The same loader moves
a workspace to the shared store (dashboard.store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from duckdb import ColumnExpression, ConstantExpression, FunctionExpression

from dashboard import sql
from dashboard.db import Database, migrate, migration_files
from dashboard.errors import DomainError, ValidationError

FORMAT = "sales-dashboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
SCHEMA_DIR = "schema"
NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "DECIMAL",
    "FLOAT",
    "DOUBLE",
)
INEXACT_TYPES = ("FLOAT", "DOUBLE")


class BackupError(DomainError):
    """A backup that cannot be written, or a backup folder that cannot be trusted."""


@dataclass(frozen=True)
class TableFingerprint:
    """What a table holds, in a few figures: equal fingerprints mean equal contents."""

    rows: int
    sums: dict[str, str]  # numeric column -> exact sum as text
    checksum: str  # sum over rows of hash(every column); independent of row order
    columns: list[list[str]] = field(default_factory=list)  # [name, type]


@dataclass(frozen=True)
class BackupSummary:
    folder: str
    source: str
    tables: int
    rows: int
    bytes: int
    migrations: list[str]


@dataclass(frozen=True)
class RestoreSummary:
    target: str
    tables: int
    rows: int
    migrations_from_backup: list[str]
    migrations_applied_after: list[str]


# bookkeeping of the shared store itself (dashboard.store), not workspace data
STORE_TABLES = frozenset({"store_macros"})


def list_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The workspace's tables, in name order."""
    rows = sql.fetch_all(cur, "store/list_tables")
    return [row["table_name"] for row in rows if row["table_name"] not in STORE_TABLES]


def _is_numeric(type_name: str) -> bool:
    return type_name.split("(")[0] in NUMERIC_TYPES


def fingerprint_table(
    cur: duckdb.DuckDBPyConnection, table: str, ignore: tuple[str, ...] = ()
) -> TableFingerprint:
    """Row count, exact sums of numeric columns and a row checksum of one table (leaving out
    the columns named in `ignore`, e.g. wall-clock timestamps when two runs are compared)."""
    relation = cur.table(table)
    columns = [
        [name, str(kind)]
        for name, kind in zip(relation.columns, relation.types, strict=True)
        if name not in ignore
    ]
    numeric = [name for name, kind in columns if _is_numeric(kind)]
    aggregates = [FunctionExpression("count", ConstantExpression(1))]
    aggregates += [FunctionExpression("sum", ColumnExpression(name)) for name in numeric]
    row_hash = FunctionExpression("hash", *[ColumnExpression(name) for name, _ in columns])
    aggregates.append(FunctionExpression("sum", row_hash))
    values = relation.aggregate(aggregates).fetchone()
    sums = {
        name: str(value if value is not None else 0)
        for name, value in zip(numeric, values[1:-1], strict=True)
    }
    return TableFingerprint(
        rows=int(values[0]), sums=sums, checksum=str(values[-1] or 0), columns=columns
    )


def fingerprint_workspace(
    cur: duckdb.DuckDBPyConnection, tables: list[str] | None = None
) -> dict[str, TableFingerprint]:
    """The fingerprint of every table (or of the given ones)."""
    return {table: fingerprint_table(cur, table) for table in tables or list_tables(cur)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _prepare_folder(out: Path) -> bool:
    """Make sure `out` is a new or empty folder; returns whether it was created here."""
    if out.exists():
        if not out.is_dir():
            raise ValidationError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            raise ValidationError(
                f"{out} is not empty; back up into a new folder so no backup is overwritten"
            )
        return False
    try:
        out.mkdir(parents=True)
    except OSError as error:
        raise ValidationError(f"cannot create the backup folder {out}: {error.strerror}") from None
    return True


def create_backup(db: Database, out: Path | str) -> BackupSummary:
    """Write a consistent snapshot of the workspace into the new or empty folder `out`."""
    out = Path(out)
    created = _prepare_folder(out)
    try:
        return _write_backup(db, out)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        else:
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise


def _write_backup(db: Database, out: Path) -> BackupSummary:
    (out / TABLES_DIR).mkdir()
    (out / SCHEMA_DIR).mkdir()
    known = {path.stem: path for path in migration_files()}
    tables: dict[str, dict[str, Any]] = {}
    with db.reading() as cur:
        cur.begin()  # one snapshot for every table
        try:
            migrations = sql.fetch_all(cur, "store/list_migrations")
            sequences = db.list_sequences(cur)
            for table in list_tables(cur):
                file = out / TABLES_DIR / f"{table}.parquet"
                cur.table(table).write_parquet(str(file), compression="zstd")
                tables[table] = asdict(fingerprint_table(cur, table))
                tables[table]["file"] = f"{TABLES_DIR}/{file.name}"
        finally:
            cur.rollback()
    for migration in migrations:
        source = known.get(migration["name"])
        if source is None:
            raise BackupError(
                f"migration {migration['name']} was applied to this workspace but its file is "
                "missing from queries/schema; back up with the code that created the workspace"
            )
        text = source.read_bytes()
        if hashlib.sha256(text).hexdigest() != migration["checksum"]:
            raise BackupError(
                f"migration {source.name} changed after it was applied; the backup could not "
                "rebuild the same schema"
            )
        (out / SCHEMA_DIR / source.name).write_bytes(text)
    files = sorted(path for path in out.rglob("*") if path.is_file())
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "source": db.describe(),
        "store_kind": db.kind,
        "duckdb_version": duckdb.__version__,
        "migrations": [
            {"name": row["name"], "checksum": row["checksum"], "applied_at": str(row["applied_at"])}
            for row in migrations
        ],
        "sequences": sequences,
        "tables": tables,
        "files": {str(path.relative_to(out)): _sha256(path) for path in files},
    }
    partial = out / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    os.replace(partial, out / MANIFEST)  # the manifest appears last: its presence = complete
    return BackupSummary(
        folder=str(out),
        source=db.describe(),
        tables=len(tables),
        rows=sum(table["rows"] for table in tables.values()),
        bytes=sum(path.stat().st_size for path in files),
        migrations=[row["name"] for row in migrations],
    )


def read_manifest(source: Path | str) -> dict[str, Any]:
    """The manifest of a backup folder, after checking every file it lists is there and intact."""
    source = Path(source)
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a complete backup: it has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{path} is not readable JSON; the backup is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a backup of this application")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{source} has backup format {manifest.get('format_version')}, this version reads "
            f"format {FORMAT_VERSION}"
        )
    root = source.resolve()
    for name, digest in manifest["files"].items():
        file = (source / name).resolve()
        if root not in file.parents:
            raise BackupError(f"the backup lists a file outside its folder: {name}")
        if not file.is_file():
            raise BackupError(f"the backup is damaged: {name} is missing")
        if _sha256(file) != digest:
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
    for migration in manifest["migrations"]:
        file = source / SCHEMA_DIR / f"{migration['name']}.sql"
        if f"{SCHEMA_DIR}/{file.name}" not in manifest["files"]:
            raise BackupError(f"the backup lacks the schema file of {migration['name']}")
        if _sha256(file) != migration["checksum"]:
            raise BackupError(f"the backup's schema file {file.name} was changed")
    return manifest


def _user_tables(tables: list[str]) -> list[str]:
    return [table for table in tables if table != "schema_migrations"]


def check_restorable(db: Database) -> None:
    """Refuse a target that holds anything a freshly migrated workspace would not hold."""
    fresh = Database(":memory:")
    try:
        migrate(fresh)
        with fresh.reading() as cur:
            expected = fingerprint_workspace(cur, _user_tables(list_tables(cur)))
    finally:
        fresh.close()
    with db.reading() as cur:
        tables = _user_tables(list_tables(cur))
        for table in tables:
            found = fingerprint_table(cur, table)
            if (
                table not in expected
                or found.rows != expected[table].rows
                or (found.rows and found.checksum != expected[table].checksum)
            ):
                raise ValidationError(
                    f"{db.describe()} already holds data (table {table}); restore into a new "
                    "database so nothing is overwritten"
                )


def _clear_table(cur: duckdb.DuckDBPyConnection, table: str, known: set[str]) -> None:
    """Empty one table (rows its migration seeded) before the backup's rows replace them."""
    if table not in known:  # only names read from this workspace's own catalog
        raise ValueError(f"not a table of this workspace: {table!r}")
    quoted = '"' + table.replace('"', '""') + '"'
    cur.execute("delete from " + quoted)  # noqa: S608 - a catalog identifier, quoted


def compare_fingerprints(
    expected: dict[str, Any], found: dict[str, TableFingerprint], same_engine: bool
) -> list[str]:
    """Every difference between the manifest's figures and a workspace's, as sentences."""
    problems = []
    for table, wanted in expected.items():
        got = found.get(table)
        if got is None:
            problems.append(f"table {table} is missing")
            continue
        if got.rows != wanted["rows"]:
            problems.append(f"{table}: {got.rows} rows instead of {wanted['rows']}")
        types = dict(wanted["columns"])
        for column, total in wanted["sums"].items():
            value = got.sums.get(column)
            inexact = types.get(column, "").split("(")[0] in INEXACT_TYPES
            if value is None or (
                not math.isclose(float(value), float(total), rel_tol=1e-9)
                if inexact
                else value != total
            ):
                problems.append(f"{table}.{column}: sum {value} instead of {total}")
        if same_engine and got.checksum != wanted["checksum"]:
            problems.append(f"{table}: the rows differ (checksum)")
    return problems


def load_backup(db: Database, source: Path, manifest: dict[str, Any]) -> int:
    """Load every table and sequence of a backup into `db`, whose schema must match, in one
    transaction; verify the figures and roll everything back on any difference."""
    with db.transaction() as cur:
        applied = [row["name"] for row in sql.fetch_all(cur, "store/list_migrations")]
        wanted = [migration["name"] for migration in manifest["migrations"]]
        if applied != wanted:
            raise BackupError(
                f"the target has migrations {applied}, the backup {wanted}; restore into a new "
                "database"
            )
        tables = list_tables(cur)
        known = set(tables)
        missing = set(manifest["tables"]) - known
        extra = known - set(manifest["tables"])
        if missing or extra:
            raise BackupError(
                f"the backup's tables do not match its schema (missing {sorted(missing)}, "
                f"extra {sorted(extra)})"
            )
        for table in tables:
            spec = manifest["tables"][table]
            relation = cur.table(table)
            columns = [
                [name, str(kind)]
                for name, kind in zip(relation.columns, relation.types, strict=True)
            ]
            if [name for name, _ in columns] != [name for name, _ in spec["columns"]]:
                raise BackupError(f"the columns of {table} differ from the backup's")
            if fingerprint_table(cur, table).rows:
                _clear_table(cur, table, known)
            if spec["rows"]:
                rows = cur.read_parquet(str(source / spec["file"]))
                rows.select(*[ColumnExpression(name) for name, _ in columns]).insert_into(table)
        sequences = db.list_sequences(cur)
        for name, last_value in manifest["sequences"].items():
            if name not in sequences:
                raise BackupError(f"the backup's sequence {name} is not in the schema")
            if last_value is not None:
                db.advance_sequence(cur, name, int(last_value))
        found = fingerprint_workspace(cur, tables)
        same_engine = manifest.get("duckdb_version") == duckdb.__version__
        problems = compare_fingerprints(manifest["tables"], found, same_engine)
        if problems:
            raise BackupError(
                "the restored data does not match the backup's manifest, nothing was kept: "
                + "; ".join(problems[:10])
            )
        after = db.list_sequences(cur)
        for name, last_value in manifest["sequences"].items():
            if last_value is not None and (after.get(name) or 0) < int(last_value):
                raise BackupError(f"sequence {name} could not be put back to {last_value}")
    return sum(spec["rows"] for spec in manifest["tables"].values())


def restore_to_file(
    source: Path | str, target: Path | str, replace_empty: bool = False
) -> RestoreSummary:
    """Rebuild a backup into a new DuckDB file `target` (an existing empty workspace only when
    `replace_empty`, after check_restorable), checked against the manifest before it is kept."""
    source, target = Path(source), Path(target)
    manifest = read_manifest(source)
    if target.exists() and not replace_empty:
        raise ValidationError(f"{target} exists already; restore into a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    db = Database(str(partial))
    try:
        from_backup = migrate(db, source / SCHEMA_DIR)
        rows = load_backup(db, source, manifest)
        after = migrate(db)
    except BaseException:
        db.close()
        partial.unlink(missing_ok=True)
        raise
    db.close()
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(partial, target)
    return RestoreSummary(
        target=str(target),
        tables=len(manifest["tables"]),
        rows=rows,
        migrations_from_backup=from_backup,
        migrations_applied_after=after,
    )


def restore_into(db: Database, source: Path | str) -> RestoreSummary:
    """Load a backup into an empty, migrated workspace (the shared store, for instance)."""
    source = Path(source)
    manifest = read_manifest(source)
    check_restorable(db)
    rows = load_backup(db, source, manifest)
    return RestoreSummary(
        target=db.describe(),
        tables=len(manifest["tables"]),
        rows=rows,
        migrations_from_backup=[],
        migrations_applied_after=[],
    )
