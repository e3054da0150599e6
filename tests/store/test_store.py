"""The shared store: chosen by configuration, same data after migrate-store, constraints kept
by PostgreSQL, no lost update between app processes, caches refresh, backups work."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from decimal import Decimal

import duckdb
import pytest

from dashboard import PROJECT_ROOT, auth, backup, cli, deals, metrics, store
from dashboard.config import load_settings
from dashboard.db import applied_migrations, migrate, migration_files, open_database
from dashboard.errors import ValidationError
from tests.conftest import build_small_demo, viewers
from tests.store.conftest import release

ADMIN = auth.Viewer(0, "cli@localhost", "Command line", "admin")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    build_small_demo(path, deals=800, seed=4).close()
    return path


def fingerprints(db) -> dict:
    with db.reading() as cur:
        return backup.fingerprint_workspace(cur)


def test_the_store_is_chosen_by_configuration_alone(store_url, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SALES_DB", store_url)
    settings = load_settings(tmp_path / "none.toml")
    db = open_database(settings=settings)
    try:
        assert isinstance(db, store.StoreDatabase)
        assert applied_migrations(db) == [path.stem for path in migration_files()]
        with db.reading() as cur:
            assert cur.execute("select current_database()").fetchone()[0] == "store"
    finally:
        release(store_url)


def test_the_password_never_shows(store_url) -> None:
    assert store.redact("postgresql://sales:s3cret@db:5432/x") == "postgresql://sales:***@db:5432/x"
    assert "s3cret" not in store.redact("postgres:host=db password=s3cret dbname=x")
    assert store.redact(store_url) == store_url  # no password in the test address


def test_postgresql_enforces_keys_uniques_and_checks(db) -> None:
    with db.transaction() as cur:
        cur.execute("insert into segments (segment_name) values ('SMB')")
    for statement in (
        "insert into segments (segment_name) values ('SMB')",  # unique
        "insert into teams (team_name, team_level) values ('X', 'galaxy')",  # check
        "insert into users (email, display_name, role) values ('a@b', 'A', 'pope')",  # check
    ):
        with pytest.raises(duckdb.ConstraintException), db.transaction() as cur:
            cur.execute(statement)
    with db.reading() as cur:
        assert cur.execute("select count(*) from segments").fetchone()[0] == 1
        assert cur.execute("select count(*) from teams").fetchone()[0] == 0


def test_new_ids_come_from_postgresql_sequences(db) -> None:
    with db.transaction() as cur:
        first = auth.create_user(cur, "one@example.com", "long enough secret", "analyst")
        second = auth.create_user(cur, "two@example.com", "long enough secret", "analyst")
    assert second == first + 1
    with db.reading() as cur:
        assert db.list_sequences(cur)["seq_users"] == second


def test_a_failed_write_on_the_store_changes_nothing(db) -> None:
    before = fingerprints(db)
    with pytest.raises(ValidationError), db.transaction() as cur:
        auth.create_user(cur, "kept@example.com", "long enough secret", "analyst")
        auth.create_user(cur, "bad", "long enough secret", "analyst")
    assert fingerprints(db) == before


def test_migrate_store_copies_every_row_and_the_kpis_match(demo_file, store_url) -> None:
    code = cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url])
    release(store_url, demo_file)
    assert code == 0
    source = open_database(str(demo_file))
    target = open_database(store_url)
    try:
        assert fingerprints(target) == fingerprints(source)
        quarter = metrics.Period.quarter_of(dt.date.today())
        for db in (source, target):
            with db.reading() as cur:
                people = viewers(cur)
                db.figures = {
                    role: (
                        metrics.compute_kpis(cur, viewer, by="team"),
                        metrics.compute_kpis(cur, viewer, quarter),
                        metrics.load_pipeline_by_stage(cur, viewer).to_dict("records"),
                    )
                    for role, viewer in people.items()
                }
        assert target.figures == source.figures
        with target.transaction() as cur:  # the sequences continue after the copied ids
            saved = deals.create_deal(cur, ADMIN, {"opportunity_name": "New", "owner_rep_id": 1})
        assert saved.opportunity_id in (801, 802)  # a reopened DuckDB file may skip one id
    finally:
        release(store_url, demo_file)


def test_migrate_store_refuses_a_store_with_data(demo_file, store_url) -> None:
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 0
    release(store_url, demo_file)
    target = open_database(store_url)
    before = fingerprints(target)
    release(store_url, demo_file)
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 2
    target = open_database(store_url)
    assert fingerprints(target) == before
    release(store_url, demo_file)


def test_backup_of_the_store_restores_into_a_file(demo_file, store_url, tmp_path) -> None:
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 0
    assert cli.main(["backup", "--db", store_url, "--out", str(tmp_path / "b")]) == 0
    assert (
        cli.main(["restore", "--from", str(tmp_path / "b"), "--db", str(tmp_path / "r.duckdb")])
        == 0
    )
    release(store_url, demo_file)
    restored = open_database(str(tmp_path / "r.duckdb"))
    original = open_database(str(demo_file))
    try:
        assert fingerprints(restored) == fingerprints(original)
    finally:
        release(store_url, demo_file)


def writer(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.writer", "--url", url, *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_app_processes_writing_the_same_deals_lose_no_update(demo_file, store_url) -> None:
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 0
    release(store_url, demo_file)
    db = open_database(store_url)
    with db.reading() as cur:
        before = {deal_id: deals.get_deal(cur, ADMIN, deal_id) for deal_id in (1, 2)}
    release(store_url, demo_file)
    processes = [writer(store_url, "--deals", "1,2", "--rounds", "12") for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    saved = sum(result["saved"] for result in results)
    assert saved == 24
    db = open_database(store_url)
    with db.reading() as cur:
        after = {deal_id: deals.get_deal(cur, ADMIN, deal_id) for deal_id in (1, 2)}
        events = {deal_id: len(deals.list_events(cur, ADMIN, deal_id)) for deal_id in (1, 2)}
    release(store_url, demo_file)
    added = sum(Decimal(after[d]["amount"]) - Decimal(before[d]["amount"]) for d in (1, 2))
    versions = sum(after[d]["row_version"] - before[d]["row_version"] for d in (1, 2))
    assert added == saved  # every saved +1 is there: no write overwrote another
    assert versions == saved
    assert sum(events.values()) >= saved


def test_a_stale_edit_from_another_process_is_refused(demo_file, store_url) -> None:
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 0
    release(store_url, demo_file)
    db = open_database(store_url)
    with db.reading() as cur:
        opened = deals.get_deal(cur, ADMIN, 3)
    other = writer(store_url, "--deals", "3", "--rounds", "1")
    assert other.wait(300) == 0
    with pytest.raises(deals.ConflictError, match="changed amount"), db.transaction() as cur:
        deals.update_deal(cur, ADMIN, 3, opened["row_version"], {"next_step": "mine"})
    with db.reading() as cur:
        assert deals.get_deal(cur, ADMIN, 3)["next_step"] != "mine"
    release(store_url, demo_file)


def test_caches_refresh_when_another_process_writes(demo_file, store_url) -> None:
    assert cli.main(["migrate-store", "--from", str(demo_file), "--to", store_url]) == 0
    release(store_url, demo_file)
    db = open_database(store_url)
    cleared = []
    watch = store.ChangeWatch(lambda: cleared.append(True), interval=5.0)
    assert watch.check(db, now=0.0) is False  # first look: nothing to compare with
    assert watch.check(db, now=1.0) is False  # not due yet
    other = writer(store_url, "--deals", "5", "--rounds", "1")
    assert other.wait(300) == 0
    assert watch.check(db, now=6.0) is True
    assert cleared == [True]
    assert watch.check(db, now=12.0) is False  # nothing new since
    release(store_url, demo_file)


def test_a_migration_written_for_duckdb_runs_on_postgresql() -> None:
    ddl = store.postgres_ddl(
        "create table t (\n    days double not null, -- the deal's double\n"
        "    kind varchar check (kind in ('double', 'a--b', 'it''s double')),\n"
        "    other double\n)"
    )
    assert "days double precision not null" in ddl
    assert "-- the deal's double\n" in ddl  # comments and quoted text are left alone
    assert "('double', 'a--b', 'it''s double')" in ddl
    assert "other double precision" in ddl and "precision precision" not in ddl


def test_a_one_deal_lookup_sends_its_filter_to_postgresql(db) -> None:
    with db.reading() as cur:
        plan = cur.execute(
            "explain select row_version from opportunities where opportunity_id = $id", {"id": 7}
        ).fetchall()[0][1]
    # PostgreSQL reads the one row through the primary key; DuckDB filters nothing afterwards
    assert "POSTGRES_SCAN" in plan and "opportunity_id=7" in plan
    assert "FILTER" not in plan


def test_scope_reaches_every_level_of_the_team_and_territory_trees(db) -> None:
    """The recursive visible_reps and territory_subtree macros on the store walk the whole tree
    (four levels here), with filters sent to PostgreSQL."""
    with db.transaction() as cur:
        for team_id, parent, level in ((1, None, "company"), (2, 1, "region"), (3, 2, "team")):
            cur.execute(
                "insert into teams (team_id, team_name, parent_team_id, team_level)"
                " values ($id, $name, $parent, $level)",
                {"id": team_id, "name": f"T{team_id}", "parent": parent, "level": level},
            )
        cur.execute(
            "insert into teams (team_id, team_name, parent_team_id, team_level)"
            " values (4, 'T4', 3, 'team')"
        )
        for rep_id, team_id in ((1, 4), (2, 3), (3, 2), (4, 4)):
            cur.execute(
                "insert into reps (rep_id, full_name, team_id) values ($id, $name, $team)",
                {"id": rep_id, "name": f"R{rep_id}", "team": team_id},
            )
        kinds = ("world", "region", "district", "country", "state")
        for territory_id, kind in enumerate(kinds, start=1):
            cur.execute(
                "insert into territories (territory_id, territory_name, parent_territory_id,"
                " territory_kind) values ($id, $name, $parent, $kind)",
                {
                    "id": territory_id,
                    "name": kind,
                    "parent": territory_id - 1 or None,
                    "kind": kind,
                },
            )
    with db.reading() as cur:

        def reps(team_id: int) -> list[int]:
            rows = cur.execute(
                "select rep_id from visible_reps('team', null, $team) order by rep_id",
                {"team": team_id},
            ).fetchall()
            return [row[0] for row in rows]

        def territories(root: int) -> list[int]:
            rows = cur.execute(
                "select territory_id from territory_subtree($root) order by territory_id",
                {"root": root},
            ).fetchall()
            return [row[0] for row in rows]

        assert reps(1) == [1, 2, 3, 4]
        assert reps(2) == [1, 2, 3, 4]
        assert reps(3) == [1, 2, 4]
        assert reps(4) == [1, 4]
        assert territories(1) == [1, 2, 3, 4, 5]
        assert territories(3) == [3, 4, 5]


def test_returning_gives_every_new_row_on_the_store(db) -> None:
    with db.transaction() as cur:
        first = cur.execute(
            "insert into segments (segment_name) values ('Solo') returning segment_id"
        ).fetchall()
        rows = cur.execute(
            "insert into segments (segment_name)"
            " select name from (values ('A'), ('B'), ('C')) as names (name)"
            " returning segment_id, segment_name"
        ).fetchall()
        changed = cur.execute(
            "update segments set segment_name = segment_name || '!' where segment_name <> 'Solo'"
            " returning segment_name"
        ).fetchall()
    start = first[0][0]
    assert rows == [(start + 1, "A"), (start + 2, "B"), (start + 3, "C")]
    assert sorted(changed) == [("A!",), ("B!",), ("C!",)]


def test_postgresql_holds_the_import_claims_key_and_the_migration_fills_it(
    pg_server, tmp_path
) -> None:
    """012_import_claims on a store loaded before it: one claim per file and sheet still loaded,
    and the primary key that refuses a second claim is PostgreSQL's own."""
    earlier = tmp_path / "schema"
    earlier.mkdir()
    for path in migration_files():
        if path.stem < "012":
            shutil.copy(path, earlier / path.name)
    url = pg_server.url(pg_server.create_database())
    database = store.StoreDatabase(url)
    try:
        migrate(database, earlier)
        with database.transaction() as cur:
            for sha, sheet, status in (
                ("a", None, "loaded"),
                ("a", None, "loaded"),
                ("b", None, "undone"),
                ("c", "S", "loaded"),
            ):
                cur.execute(
                    "insert into import_batches (file_name, sheet_name, file_sha256, file_bytes,"
                    " source, source_system, kind, mapping, as_of, rows_total, inserted, updated,"
                    " unchanged, rejected, status) values ('f.csv', $sheet, $sha, 1, 'generic_deals',"
                    " 'generic', 'deals', '{}', timestamp '2026-03-02 09:00', 0, 0, 0, 0, 0, $status)",
                    {"sha": sha * 64, "sheet": sheet, "status": status},
                )
        assert "012_import_claims" in migrate(database)
        with database.reading() as cur:
            assert cur.execute(
                "select file_sha256, sheet_key, batch_id from import_claims order by all"
            ).fetchall() == [("a" * 64, "", 1), ("c" * 64, "S", 4)]
            keys = cur.execute(
                "select * from postgres_query('store', $query)",
                {
                    "query": "select constraint_type, string_agg(column_name, ',' order by"
                    " ordinal_position) from information_schema.table_constraints"
                    " join information_schema.key_column_usage using (constraint_name)"
                    " where table_constraints.table_name = 'import_claims' group by 1"
                },
            ).fetchall()
        assert keys == [("PRIMARY KEY", "file_sha256,sheet_key")]
        with pytest.raises(duckdb.ConstraintException), database.transaction() as cur:
            cur.execute(
                "insert into import_claims values ($sha, '', 9)",
                {"sha": "a" * 64},
            )
    finally:
        database.close()
        pg_server.drop_database(url.rsplit("/", 1)[-1])
