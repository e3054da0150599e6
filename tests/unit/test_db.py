"""The database layer: migrations, transactions, settings."""

from __future__ import annotations

import duckdb
import pytest

from dashboard import config, demo
from dashboard.db import Database, applied_migrations, migrate, migration_files
from dashboard.errors import MigrationError


def test_migrations_apply_in_order_and_rerun_is_a_no_op(db: Database) -> None:
    names = [path.stem for path in migration_files()]
    assert applied_migrations(db) == names
    assert migrate(db) == []
    assert applied_migrations(db) == names


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path) -> None:
    (tmp_path / "001_good.sql").write_text("create table good_table (id integer);")
    (tmp_path / "002_bad.sql").write_text(
        "create table half_done (id integer);\ninsert into no_such_table values (1);"
    )
    database = Database(":memory:")
    with pytest.raises(MigrationError, match="002_bad.sql"):
        migrate(database, tmp_path)
    with database.reading() as cur:
        tables = {
            row[0]
            for row in cur.execute("select table_name from information_schema.tables").fetchall()
        }
    assert "good_table" in tables
    assert "half_done" not in tables
    assert applied_migrations(database) == ["001_good"]


def test_a_migration_another_server_applied_meanwhile_is_skipped(db: Database, monkeypatch) -> None:
    # two app servers on the shared store start together: both find 014 missing, the other
    # one applies it first, so this one's attempt fails (the table exists) - and it starts
    from dashboard import db as databases

    names = [path.stem for path in migration_files()]
    looks = []

    def read_before_the_other_committed(database):
        looks.append(1)
        return names[:-1] if len(looks) == 1 else names

    monkeypatch.setattr(databases, "applied_migrations", read_before_the_other_committed)
    assert migrate(db) == []
    assert len(looks) == 2


def test_a_failed_write_changes_nothing(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute("insert into segments (segment_name) values ('SMB')")
    with pytest.raises(duckdb.ConstraintException):
        with db.transaction() as cur:
            cur.execute("insert into segments (segment_name) values ('Enterprise')")
            cur.execute("insert into segments (segment_name) values ('SMB')")  # unique violation
    with db.reading() as cur:
        assert cur.execute("select segment_name from segments order by 1").fetchall() == [("SMB",)]


def test_database_file_is_created_with_its_folder(tmp_path) -> None:
    path = tmp_path / "deep" / "sales.duckdb"
    database = Database(str(path))
    migrate(database)
    database.close()
    assert path.exists()


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({"SALES_DB": "/env.duckdb"}, 'sales_db = "/secret.duckdb"', "/env.duckdb"),
        ({}, 'sales_db = "/secret.duckdb"', "/secret.duckdb"),
        ({}, "", str(config.DEFAULT_DB_PATH)),
    ],
)
def test_database_path_comes_from_env_then_secrets_then_default(
    monkeypatch, tmp_path, env, secrets, expected
) -> None:
    monkeypatch.delenv("SALES_DB", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(secrets)
    assert config.load_settings(secrets_file).db_path == expected


def test_duckdb_settings_reach_the_connection(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SALES_DB_THREADS", "1")
    monkeypatch.setenv("SALES_DB_MEMORY_LIMIT", "512MB")
    settings = config.load_settings(tmp_path / "none.toml")
    database = Database(":memory:", threads=settings.threads, memory_limit=settings.memory_limit)
    with database.reading() as cur:
        assert cur.execute("select current_setting('threads')").fetchone()[0] == 1
        limit = cur.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit.startswith(("488", "512"))


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (config.PROJECT_ROOT / "README.md").read_text()
    for env_var, secret_key, _, _ in config.SETTINGS.values():
        assert f"`{env_var}`" in readme, f"README does not document {env_var}"
        assert f"`{secret_key}`" in readme, f"README does not document {secret_key}"


def test_upgrading_fills_the_furthest_stage_of_deals_written_before_it(db) -> None:
    # deals as a workspace from before 002 has them (no furthest_stage_order), 009 not yet run
    demo.build_demo(db, deals=400, seed=2)
    with db.transaction() as cur:
        expected = cur.execute(
            "select opportunity_id, furthest_stage_order from opportunities order by 1"
        ).fetchall()
        cur.execute("update opportunities set furthest_stage_order = null")
        cur.execute("delete from schema_migrations where name = '009_backfill_furthest_stage'")

    assert migrate(db) == ["009_backfill_furthest_stage"]

    with db.reading() as cur:
        backfilled = cur.execute(
            "select opportunity_id, furthest_stage_order from opportunities order by 1"
        ).fetchall()
    assert backfilled == expected
    assert {stage for _, stage in expected} == set(range(1, 8))
