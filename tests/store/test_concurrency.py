"""Several app processes writing the same things on the shared store at the same moment: the same
file imported twice loads once (the database refuses the second claim), goal edits lose no
update (each save lands with its version in the history, or is refused and saves nothing), and
the same new goal is created once (the database refuses a second goal key)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal

import pytest

from dashboard import PROJECT_ROOT, goals, store
from dashboard.importing import batches
from dashboard.importing.tables import sha256_of
from tests.store.goal_creator import round_goal
from tests.unit.test_import_support import ADMIN, ANALYST, csv_bytes, load_bytes, seed_workspace

# a test (every round of it) must finish well inside this, or it fails instead of hanging
DEADLINE_SECONDS = 240


def start(module: str, url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", f"tests.store.{module}", "--url", url, *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outcomes(processes: list[subprocess.Popen]) -> list[dict]:
    """Every JSON line the processes printed (they run at once; each must exit cleanly)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    lines = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            pytest.fail(f"the processes did not finish in {DEADLINE_SECONDS} s")
        assert process.returncode == 0, err
        lines += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines


# ------------------------------------------------------------------- the same file, twice


def deals_file(round_number: int) -> bytes:
    """A small HubSpot export, different each round (its own deals and accounts)."""
    return csv_bytes(
        f"""
        Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Associated Company,Pipeline
        R{round_number}-1,Deal one,Closed won,1200,2026-01-20,2025-11-02,Rep One,Acme {round_number},Sales Pipeline
        R{round_number}-2,Deal two,Appointment scheduled,4500,2026-04-30,2026-01-10,Rep Two,Globex {round_number},Sales Pipeline
        R{round_number}-3,Deal three,Closed lost,800,2026-02-01,2026-01-05,Jane Doe,Initech {round_number},Sales Pipeline
        """
    )


def count(db, query: str, **params) -> int:
    with db.reading() as cur:
        return cur.execute(query, params).fetchone()[0]


@pytest.mark.parametrize(
    ("race", "rounds"),
    [
        # both processes have looked for earlier loads and found none before either writes:
        # only the database's claim can stop the second
        ("checked", 4),
        # both start loading at the same moment and race as two app servers would
        ("start", 3),
    ],
)
def test_the_same_file_imported_by_two_processes_at_once_loads_once(
    db, store_url, tmp_path, race, rounds
) -> None:
    seed_workspace(db)
    files = {number: deals_file(number) for number in range(rounds)}
    for number, data in files.items():
        (tmp_path / f"round-{number}.csv").write_bytes(data)
    processes = [
        start(
            "importer",
            store_url,
            *("--folder", str(tmp_path), "--name", name, "--peers", "2"),
            *("--rounds", str(rounds), "--race", race),
        )
        for name in ("a", "b")
    ]
    by_round = defaultdict(list)
    for outcome in outcomes(processes):
        by_round[outcome["round"]].append(outcome)
    assert sorted(by_round) == list(range(rounds))
    for number, pair in by_round.items():
        loaded = [outcome for outcome in pair if "batch_id" in outcome]
        refused = [outcome for outcome in pair if "refused" in outcome]
        assert len(loaded) == 1 and len(refused) == 1, pair
        winner = loaded[0]["batch_id"]
        assert refused[0]["error"] == "DuplicateFile"
        assert refused[0]["refused"].startswith(
            f"round-{number}.csv was loaded before as batch {winner} on "
        )
        assert "--allow-duplicate" in refused[0]["refused"]
        if race == "checked":
            assert refused[0]["by_database"] is True  # the claim, not the earlier check
        sha = sha256_of(files[number])
        # one load's rows, no more: one batch, its three deals, accounts and audit row
        assert count(db, "select count(*) from import_batches where file_sha256 = $s", s=sha) == 1
        assert count(db, "select batch_id from import_claims where file_sha256 = $s", s=sha) == (
            winner
        )
        assert (
            count(
                db,
                "select count(*) from opportunities where external_id like $key",
                key=f"R{number}-%",
            )
            == 3
        )
        assert (
            count(
                db, "select count(*) from accounts where account_name like $key", key=f"% {number}"
            )
            == 3
        )
    assert count(db, "select count(*) from opportunity_events") == 3 * rounds
    assert count(db, "select count(*) from audit_log where action = 'import'") == rounds
    assert count(db, "select count(*) from import_claims") == rounds


def test_after_an_undo_on_the_store_the_file_loads_again_and_claims_again(db) -> None:
    seed_workspace(db)
    data = deals_file(0)
    first = load_bytes(db, "round-0.csv", data)
    with db.transaction() as cur:
        batches.undo_batch(cur, ANALYST, first.batch_id)
    assert count(db, "select count(*) from import_claims") == 0
    again = load_bytes(db, "round-0.csv", data)
    assert count(db, "select batch_id from import_claims") == again.batch_id


# ------------------------------------------------------------------------------ goal edits


def test_goal_edits_from_several_processes_lose_no_update(db, store_url, tmp_path) -> None:
    seed_workspace(db)
    period = goals.make_period("quarter", dt.date(2026, 10, 1))
    with db.transaction() as cur:
        company = goals.set_goal(cur, ADMIN, "company", None, period, "bookings", 1000)
        team = goals.set_goal(cur, ADMIN, "team", 2, period, "bookings", 400)
    goal_ids = [company.goal_id, team.goal_id]
    peers, rounds = 3, 6
    processes = [
        start(
            "goal_editor",
            store_url,
            *("--folder", str(tmp_path), "--name", f"p{index}", "--index", str(index)),
            *("--peers", str(peers), "--goals", ",".join(map(str, goal_ids))),
            *("--rounds", str(rounds)),
        )
        for index in range(peers)
    ]
    attempts = outcomes(processes)
    assert len(attempts) == peers * rounds
    landed = [attempt for attempt in attempts if "version" in attempt]
    refused = [attempt for attempt in attempts if "refused" in attempt]
    assert len(landed) + len(refused) == len(attempts)
    for attempt in refused:  # refused, saying so, and nothing of it was saved
        assert attempt["error"] in ("StaleVersion", "StoreConflict"), attempt
        assert "Nothing was changed" in attempt["refused"] or (
            "Nothing of yours was saved" in attempt["refused"]
        )
    # every round, of the processes that opened the same version of a goal, exactly one saved
    opened = defaultdict(list)
    for attempt in attempts:
        opened[(attempt["round"], attempt["goal_id"])].append(attempt)
    for group in opened.values():
        assert len({attempt["from_version"] for attempt in group}) == 1
        assert sum("version" in attempt for attempt in group) == 1, group
    with db.reading() as cur:
        history = goals.load_goal_history(cur, ADMIN, goal_ids)
        final = {goal_id: goals.get_goal(cur, goal_id) for goal_id in goal_ids}
    for goal_id, created in ((company.goal_id, 1000), (team.goal_id, 400)):
        saves = sorted(
            (attempt for attempt in landed if attempt["goal_id"] == goal_id),
            key=lambda attempt: attempt["version"],
        )
        rows = history[history["goal_id"] == goal_id].sort_values("version")
        # versions 1..n without a gap: the creation, then one per save that landed
        assert rows["version"].tolist() == list(range(1, len(saves) + 2))
        assert [attempt["version"] for attempt in saves] == list(range(2, len(saves) + 2))
        # each save started from the version before it and its history row says so
        assert [attempt["from_version"] for attempt in saves] == list(range(1, len(saves) + 1))
        targets = [Decimal(created)] + [Decimal(attempt["target"]) for attempt in saves]
        assert [Decimal(value) for value in rows["new_target"]] == targets
        assert [Decimal(value) for value in rows["old_target"].iloc[1:]] == targets[:-1]
        # the goal holds the last accepted write
        assert final[goal_id].version == len(saves) + 1
        assert final[goal_id].target == targets[-1]
    refused_targets = {Decimal(attempt["target"]) for attempt in refused}
    assert not refused_targets & {Decimal(value) for value in history["new_target"]}
    assert count(db, "select count(*) from audit_log where entity = 'goals'") == 2 + len(landed)


def test_a_goal_saved_by_another_process_meanwhile_is_refused_with_its_new_value(
    db, store_url
) -> None:
    seed_workspace(db)
    period = goals.make_period("quarter", dt.date(2026, 10, 1))
    with db.transaction() as cur:
        goal = goals.set_goal(cur, ADMIN, "company", None, period, "bookings", 1000)
    with db.reading() as cur:
        opened = goals.get_goal(cur, goal.goal_id, ADMIN)
    other = store.StoreDatabase(store_url)  # another app server: its own PostgreSQL session
    try:
        with other.transaction() as cur:
            goals.edit_goal(cur, ADMIN, goal.goal_id, 1500, opened.version)
    finally:
        other.close()
    with (
        pytest.raises(
            goals.StaleVersion,
            match=r"Someone saved this goal .* meanwhile: it is now \$1,500 \(version 2 by Admin",
        ),
        db.transaction() as cur,
    ):
        goals.edit_goal(cur, ADMIN, goal.goal_id, 1200, opened.version)
    with db.reading() as cur:
        history = goals.load_goal_history(cur, ADMIN, [goal.goal_id])
        assert goals.get_goal(cur, goal.goal_id).target == 1500
    assert sorted(history["new_target"]) == [1000, 1500]


# ------------------------------------------------------------------------ new goals


@pytest.mark.parametrize(
    ("race", "rounds"),
    [
        # every process has looked for the goal and found none before any saves: only the
        # database's goal key can stop the others
        ("checked", 3),
        # they save at the same moment and race as app servers would
        ("start", 2),
    ],
)
def test_the_same_new_goal_created_by_several_processes_at_once_is_created_once(
    db, store_url, tmp_path, race, rounds
) -> None:
    seed_workspace(db)
    peers = 3
    processes = [
        start(
            "goal_creator",
            store_url,
            *("--folder", str(tmp_path), "--name", f"p{index}", "--index", str(index)),
            *("--peers", str(peers), "--rounds", str(rounds), "--race", race),
        )
        for index in range(peers)
    ]
    by_round = defaultdict(list)
    for outcome in outcomes(processes):
        by_round[outcome["round"]].append(outcome)
    assert sorted(by_round) == list(range(rounds))
    with db.reading() as cur:
        scopes = goals.load_scopes(cur)
    for number, group in by_round.items():
        created = [outcome for outcome in group if "goal_id" in outcome]
        refused = [outcome for outcome in group if "refused" in outcome]
        assert len(created) == 1 and len(refused) == peers - 1, group
        kind, scope_id, period = round_goal(number)
        name = goals.find_scope(scopes, kind, scope_id)["scope_name"]
        label = f"{'Company' if kind == 'company' else name} · {period.label} · Bookings"
        winner = created[0]
        for outcome in refused:  # the message an existing goal gets, with the winner's value
            assert outcome["error"] == "StaleVersion", outcome
            assert outcome["refused"] == (
                f"A goal for {label} exists already: ${winner['target']:,} (version 1). "
                "Nothing was changed; edit that goal instead."
            )
            if race == "checked":
                assert outcome["by_database"] is True  # the goal key, not the earlier look
        with db.reading() as cur:
            found = goals.find_goal(cur, kind, scope_id, period, "bookings")
            key_holder = cur.execute(
                "select goal_id from goal_keys where scope_kind = $kind"
                " and scope_key = $key and period_start = $start",
                {"kind": kind, "key": scope_id or 0, "start": period.start},
            ).fetchall()
        assert found.goal_id == winner["goal_id"] and found.target == winner["target"]
        assert key_holder == [(winner["goal_id"],)]
    # one goal per round and nothing of the refused saves: no goal, version or audit row
    assert count(db, "select count(*) from goals") == rounds
    assert count(db, "select count(*) from goal_versions") == rounds
    assert count(db, "select count(*) from goal_keys") == rounds
    assert count(db, "select count(*) from audit_log where entity = 'goals'") == rounds
