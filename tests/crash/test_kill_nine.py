"""Kill -9 in the middle of long writes to the embedded file: after a restart the database is
exactly the state before the write or the state after it, never anything in between."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from dashboard.db import Database, migrate
from tests.conftest import build_small_demo
from tests.crash.harness import (
    assert_before_or_after,
    kill_at,
    python,
    state_of,
)

pytestmark = pytest.mark.slow

UPDATE_DEALS = 150
DEMO_DEALS = 200_000
DEMO_ARGS = ["--deals", str(DEMO_DEALS), "--seed", "3", "--as-of", "2026-06-30"]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "base.duckdb"
    build_small_demo(path, deals=1000, seed=3).close()
    return path


def test_deal_updates_in_one_transaction_survive_kill_9_whole_or_not_at_all(
    base, tmp_path, crash_rounds
) -> None:
    before = state_of(base)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(base, reference)
    full = kill_at(
        python(
            "-m", "tests.crash.update_loop", "--db", str(reference), "--deals", str(UPDATE_DEALS)
        ),
        after=600,
        when_output="started",
    )
    assert not full.killed and full.returncode == 0, full.stderr
    after = state_of(reference)
    assert after != before
    assert after["opportunity_events"].rows == before["opportunity_events"].rows + 2 * UPDATE_DEALS
    seen = []
    rng = random.Random(8)
    for round_number in range(crash_rounds):
        victim = tmp_path / f"victim{round_number}.duckdb"
        shutil.copy(base, victim)
        moment = rng.uniform(0.05, 0.9) * full.seconds
        outcome = kill_at(
            python(
                "-m", "tests.crash.update_loop", "--db", str(victim), "--deals", str(UPDATE_DEALS)
            ),
            after=moment,
            when_output="started",
        )
        which = assert_before_or_after(victim, before, after)
        if outcome.killed and "committed" in outcome.stderr:
            assert which == "after"
        seen.append((round(moment, 2), outcome.killed, which))
    assert any(killed and which == "before" for _, killed, which in seen), seen


def test_a_demo_build_killed_at_random_moments_leaves_an_empty_or_a_full_workspace(
    tmp_path, crash_rounds
) -> None:
    empty = tmp_path / "empty.duckdb"
    database = Database(str(empty))
    migrate(database)
    database.close()
    before = state_of(empty)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(empty, reference)
    full = kill_at(
        python("-m", "dashboard", "demo", "--db", str(reference), *DEMO_ARGS),
        after=900,
        when_output="[  0%]",
    )
    assert not full.killed and full.returncode == 0, full.stderr
    after = state_of(reference)
    assert after["opportunities"].rows == DEMO_DEALS
    seen = []
    rng = random.Random(9)
    for round_number in range(crash_rounds):
        victim = tmp_path / f"victim{round_number}.duckdb"
        shutil.copy(empty, victim)
        moment = rng.uniform(0.05, 1.0) * full.seconds
        outcome = kill_at(
            python("-m", "dashboard", "demo", "--db", str(victim), *DEMO_ARGS),
            after=moment,
            when_output="[  0%]",
        )
        which = assert_before_or_after(victim, before, after)
        seen.append((round(moment, 2), outcome.killed, which))
        reopened = Database(str(victim))  # the app starts again on the file afterwards
        migrate(reopened)
        reopened.close()
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
