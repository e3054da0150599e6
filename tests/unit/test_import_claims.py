"""The same file loaded twice at once: the first load of a file claims it in the database
(import_claims, one row per file and sheet), so a second first load is refused even when it
found no earlier load; undo releases the claim; loading a duplicate on purpose still works;
workspaces loaded before the claims existed get theirs from the migration.

The race itself needs two processes on the shared store (tests/store/test_concurrency.py);
here the second process's commit is played by a check that sees nothing, as it would have."""

from __future__ import annotations

import shutil

import pytest

from dashboard import sql
from dashboard.db import Database, migrate, migration_files
from dashboard.importing import batches, loading
from dashboard.importing.loading import DuplicateFile
from dashboard.importing.tables import sha256_of
from tests.unit.test_import_loading import HUBSPOT, ORDERS
from tests.unit.test_import_support import (
    ANALYST,
    NOW,
    assert_same_tables,
    dump,
    dump_all,
    load_bytes,
    seed_workspace,
)


@pytest.fixture
def workspace(db):
    return seed_workspace(db)


class LookedInside(Exception):
    """Ends a transaction a test only looked inside, so it rolls back."""


def claims(db: Database) -> list[tuple]:
    with db.reading() as cur:
        return cur.execute(
            "select file_sha256, sheet_key, batch_id from import_claims order by all"
        ).fetchall()


def undo(db: Database, batch_id: int) -> None:
    with db.transaction() as cur:
        batches.undo_batch(cur, ANALYST, batch_id)


def test_a_first_load_claims_its_file_and_undo_releases_it(workspace) -> None:
    first = load_bytes(workspace, "hubspot.csv", HUBSPOT)
    assert claims(workspace) == [(sha256_of(HUBSPOT), "", first.batch_id)]
    undo(workspace, first.batch_id)
    assert claims(workspace) == []
    # loaded, undone, loaded again: no --allow-duplicate needed, as before the claims
    again = load_bytes(workspace, "hubspot.csv", HUBSPOT)
    assert again.count("new") == 3
    assert claims(workspace) == [(sha256_of(HUBSPOT), "", again.batch_id)]


def test_a_preview_claims_nothing(workspace) -> None:
    preview = load_bytes(workspace, "hubspot.csv", HUBSPOT, dry_run=True)
    assert preview.count("new") == 3
    assert claims(workspace) == []


def test_a_duplicate_loaded_on_purpose_still_loads_and_the_first_keeps_the_claim(
    workspace,
) -> None:
    first = load_bytes(workspace, "orders.csv", ORDERS)
    with pytest.raises(DuplicateFile, match=f"loaded before as batch {first.batch_id}"):
        load_bytes(workspace, "orders.csv", ORDERS)
    again = load_bytes(workspace, "orders.csv", ORDERS, allow_duplicate=True)
    assert (again.count("unchanged"), again.count("new")) == (3, 0)
    assert claims(workspace) == [(sha256_of(ORDERS), "", first.batch_id)]
    # the first undone, the duplicate still in place holds the claim: the file is still loaded
    undo(workspace, first.batch_id)
    assert claims(workspace) == [(sha256_of(ORDERS), "", again.batch_id)]
    with pytest.raises(DuplicateFile, match=f"loaded before as batch {again.batch_id}"):
        load_bytes(workspace, "orders.csv", ORDERS)
    undo(workspace, again.batch_id)
    assert claims(workspace) == []


def test_undoing_the_duplicate_that_does_not_hold_the_claim_keeps_one_claim(workspace) -> None:
    first = load_bytes(workspace, "orders.csv", ORDERS)
    again = load_bytes(workspace, "orders.csv", ORDERS, allow_duplicate=True)
    # the release goes by the file's key, whichever batch holds the claim: so two undos of one
    # file at the same moment on the store write the same row, and the store refuses one
    with pytest.raises(LookedInside):  # look inside the release, then roll it back
        with workspace.transaction() as cur:
            sql.execute(cur, "imports/release_claim", batch_id=again.batch_id)
            assert cur.execute("select count(*) from import_claims").fetchone()[0] == 0
            raise LookedInside
    assert claims(workspace) == [(sha256_of(ORDERS), "", first.batch_id)]
    undo(workspace, again.batch_id)  # released, then handed back to the first
    assert claims(workspace) == [(sha256_of(ORDERS), "", first.batch_id)]


def test_a_claim_left_with_an_undone_batch_is_taken_over(workspace) -> None:
    first = load_bytes(workspace, "hubspot.csv", HUBSPOT)
    undo(workspace, first.batch_id)
    with workspace.transaction() as cur:  # as an app server without claims would leave it
        sql.execute(
            cur,
            "imports/insert_claim",
            file_sha256=sha256_of(HUBSPOT),
            sheet_name=None,
            batch_id=first.batch_id,
        )
    again = load_bytes(workspace, "hubspot.csv", HUBSPOT)
    assert again.count("new") == 3
    assert claims(workspace) == [(sha256_of(HUBSPOT), "", again.batch_id)]


def test_a_load_that_finds_the_file_claimed_meanwhile_is_refused_and_changes_nothing(
    workspace, monkeypatch
) -> None:
    first = load_bytes(workspace, "hubspot.csv", HUBSPOT)
    before = {**dump_all(workspace), "import_batches": dump(workspace, "import_batches")}
    real = loading.find_earlier_loads
    looks = []

    def not_yet_committed(cur, table):
        """The first look, inside the load: the other load had not committed yet."""
        looks.append(table.label)
        return [] if len(looks) == 1 else real(cur, table)

    monkeypatch.setattr(loading, "find_earlier_loads", not_yet_committed)
    with pytest.raises(DuplicateFile) as refused:
        load_bytes(workspace, "same-again.csv", HUBSPOT)
    # the message a user gets when they come second, naming the load that holds the file
    assert str(refused.value).startswith(
        f"same-again.csv was loaded before as batch {first.batch_id} on 2026-03-02 09:00."
    )
    assert isinstance(refused.value.__cause__, loading._ClaimTaken)
    after = {**dump_all(workspace), "import_batches": dump(workspace, "import_batches")}
    assert_same_tables(before, after)
    assert claims(workspace) == [(sha256_of(HUBSPOT), "", first.batch_id)]


def test_the_migration_gives_files_loaded_before_it_one_claim_each(tmp_path) -> None:
    earlier = tmp_path / "schema"
    earlier.mkdir()
    for path in migration_files():
        if path.stem < "012":
            shutil.copy(path, earlier / path.name)
    database = Database(str(tmp_path / "sales.duckdb"))
    try:
        migrate(database, earlier)
        with database.transaction() as cur:
            for file_sha256, sheet_name, status in (
                ("a" * 64, None, "loaded"),
                ("a" * 64, None, "loaded"),  # the same CSV loaded again on purpose
                ("b" * 64, None, "undone"),  # loaded, then undone: free to load again
                ("c" * 64, "North", "loaded"),  # two sheets of one workbook
                ("c" * 64, "South", "undone"),
                ("c" * 64, "South", "loaded"),
            ):
                row = sql.fetch_one(
                    cur,
                    "imports/insert_batch",
                    file_name="old.csv",
                    sheet_name=sheet_name,
                    file_sha256=file_sha256,
                    file_bytes=10,
                    source="generic_deals",
                    source_system="generic",
                    kind="deals",
                    profile_name=None,
                    mapping="{}",
                    as_of=NOW,
                    load_path="row",
                    created_by=None,
                    created_at=NOW,
                )
                if status == "undone":
                    cur.execute(
                        "update import_batches set status = 'undone' where batch_id = $id",
                        {"id": row["batch_id"]},
                    )
        assert "012_import_claims" in migrate(database)
        assert claims(database) == [
            ("a" * 64, "", 1),
            ("c" * 64, "North", 4),
            ("c" * 64, "South", 6),
        ]
    finally:
        database.close()
