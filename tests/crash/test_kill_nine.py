"""Kill -9 in the middle of long writes to the embedded file: after a restart the database is
exactly the state before the write or the state after it, never anything in between."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import sql
from dashboard.compensation.statements import first_open_quarter
from dashboard.db import Database, migrate
from tests.conftest import TODAY, build_small_demo
from tests.crash.harness import VOLATILE, assert_before_or_after, kill_rounds, python, state_of

pytestmark = pytest.mark.slow

UPDATE_DEALS = 150
DEMO_DEALS = 200_000
DEMO_ARGS = ["--deals", str(DEMO_DEALS), "--seed", "3", "--as-of", "2026-06-30"]
IMPORT_ROWS = 4_000
STAGES = ("Prospecting", "Qualifying", "Presentation", "Closing", "Closed Won", "Closed Lost")
# besides the clock columns every write has: when a batch was loaded and a period closed
IMPORT_VOLATILE = {
    **VOLATILE,
    "import_batches": ("created_at",),
    "accounts": ("created_at",),  # accounts the file names and the workspace lacks
}
CLOSE_VOLATILE = {
    **VOLATILE,
    "comp_period_closes": ("closed_at",),
    "comp_statements": ("closed_at", "content_hash"),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "base.duckdb"
    build_small_demo(path, deals=1000, seed=3).close()
    return path


def test_deal_updates_in_one_transaction_survive_kill_9_whole_or_not_at_all(
    base, tmp_path, crash_rounds
) -> None:
    def argv_for(path: Path) -> list[str]:
        return python(
            "-m", "tests.crash.update_loop", "--db", str(path), "--deals", str(UPDATE_DEALS)
        )  # fmt: skip

    def committed_means_after(outcome, which: str, victim: Path) -> None:
        if outcome.killed and "committed" in outcome.stderr:
            assert which == "after"

    before, after, seen = kill_rounds(
        base, tmp_path, argv_for, crash_rounds, 8, VOLATILE, "started", committed_means_after
    )
    assert after["opportunity_events"].rows == before["opportunity_events"].rows + 2 * UPDATE_DEALS
    assert any(killed and which == "before" for _, killed, which in seen), seen


def test_a_demo_build_killed_at_random_moments_leaves_an_empty_or_a_full_workspace(
    tmp_path, crash_rounds
) -> None:
    empty = tmp_path / "empty.duckdb"
    database = Database(str(empty))
    migrate(database)
    database.close()

    def argv_for(path: Path) -> list[str]:
        return python("-m", "dashboard", "demo", "--db", str(path), *DEMO_ARGS)

    def app_starts_again(outcome, which: str, victim: Path) -> None:
        reopened = Database(str(victim))
        migrate(reopened)
        reopened.close()

    before, after, seen = kill_rounds(
        empty, tmp_path, argv_for, crash_rounds, 9, VOLATILE, "[  0%]", app_starts_again
    )
    assert before["opportunities"].rows == 0
    assert after["opportunities"].rows == DEMO_DEALS
    assert any(killed and which == "before" for _, killed, which in seen), seen


def write_deals_export(path: Path, rows: int) -> Path:
    """A generic deal export of `rows` new deals (owners and accounts made up, one bad row)."""
    lines = ["Deal ID,Deal Name,Owner,Account,Stage,Amount,Close Date,Loss Reason"]
    for number in range(rows):
        stage = STAGES[number % len(STAGES)]
        amount = "-5" if number == 7 else str(1000 + number * 13 % 90_000)
        reason = "Price" if stage == "Closed Lost" else ""
        lines.append(
            f"CR-{number},Deal {number},Seller {number % 25},Account {number % 400},{stage},"
            f"{amount},2026-{1 + number % 12:02d}-{1 + number % 28:02d},{reason}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_killed_at_random_moments_loads_all_of_the_file_or_none(
    base, tmp_path, crash_rounds
) -> None:
    export = write_deals_export(tmp_path / "deals.csv", IMPORT_ROWS)

    def argv_for(path: Path) -> list[str]:
        return python(
            "-m", "dashboard", "import", str(export), "--db", str(path), "--create-reps",
            "--as-of", "2026-06-30", "--json",
        )  # fmt: skip

    before, after, seen = kill_rounds(
        base, tmp_path, argv_for, crash_rounds, 10, IMPORT_VOLATILE, "[  0%]"
    )
    assert after["opportunities"].rows == before["opportunities"].rows + IMPORT_ROWS - 1
    assert after["import_rejects"].rows == 1
    # killed once the load had begun (its first progress line): the whole file or none of it
    assert any(killed and which == "before" for _, killed, which in seen), seen


def test_a_period_close_killed_at_random_moments_closes_all_statements_or_none(
    base, tmp_path, crash_rounds
) -> None:
    database = Database(str(base))
    with database.reading() as cur:
        quarter = first_open_quarter(cur)
        as_of = sql.fetch_one(cur, "workspace/get_setting", key="demo_as_of")["setting_value"]
    database.close()
    assert quarter.end <= TODAY  # the demo leaves the last complete quarter open, to close

    def argv_for(path: Path) -> list[str]:
        return python(
            "-m", "dashboard", "comp", "close", "--quarter", quarter.label, "--as-of", as_of,
            "--db", str(path),
        )  # fmt: skip

    # counted from the close's first progress line, printed inside its transaction
    before, after, seen = kill_rounds(
        base, tmp_path, argv_for, crash_rounds, 11, CLOSE_VOLATILE, "[  0%]"
    )
    assert after["comp_period_closes"].rows == before["comp_period_closes"].rows + 1
    assert after["comp_statements"].rows > before["comp_statements"].rows
    assert any(killed and which == "before" for _, killed, which in seen), seen


def test_the_harness_tells_a_torn_state_apart(base, tmp_path) -> None:
    before = state_of(base)
    torn = tmp_path / "torn.duckdb"
    shutil.copy(base, torn)
    database = Database(str(torn))
    with database.transaction() as cur:
        cur.execute("update opportunities set amount = amount + 1 where opportunity_id = 1")
    database.close()
    with pytest.raises(AssertionError, match="neither"):
        assert_before_or_after(torn, before, before)
