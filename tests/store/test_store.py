"""The shared store: chosen by configuration, same data after migrate-store, constraints kept
by PostgreSQL, no lost update between app processes, caches refresh, backups work."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import duckdb
import pytest

from dashboard import PROJECT_ROOT, auth, backup, cli, deals, metrics, store
from dashboard.config import load_settings
from dashboard.db import applied_migrations, migration_files, open_database
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
