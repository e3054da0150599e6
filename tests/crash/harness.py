"""Kill -9 harness: run a write in a child process, SIGKILL it at a chosen moment, reopen the
database and tell which state it holds.

Reuse it for any long write (an import, a period close, a restore):

    from tests.crash.harness import kill_at, state_of, assert_before_or_after

    before = state_of(path)                      # the database before the write
    outcome = kill_at([sys.executable, "-m", "dashboard", "import", ...], after=1.3)
    after = reference_state                       # the same write run to the end on a copy
    assert_before_or_after(path, before, after)   # never anything in between

`kill_at` starts the command in its own process group and sends SIGKILL to the whole group
`after` seconds later (or when a line containing `when_output` appears on its stderr), so
nothing is flushed, closed or rolled back by the child. `state_of` opens the file the way the
app does after a crash (DuckDB replays its write-ahead log) and fingerprints every table:
row count, exact sums of numeric columns, and a checksum of all rows. Columns whose values
differ between two runs of the same write (wall-clock timestamps, password salts) are left
out through `ignore`. `kill_rounds` does all of it for a write: a reference run to the end,
then kills at random moments, each copy checked.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard import PROJECT_ROOT, backup
from dashboard.db import Database

# columns that differ between two runs of the same write (clock, salts), by table
VOLATILE = {
    "audit_log": ("occurred_at",),
    "users": ("password_hash", "created_at"),
    "schema_migrations": ("applied_at",),
    "opportunities": ("updated_at",),
}


@dataclass(frozen=True)
class Outcome:
    killed: bool  # False when the command ended on its own before the kill
    returncode: int
    seconds: float
    stdout: str
    stderr: str
    seconds_after_output: float  # from the `when_output` line (or the start) to the end


def kill_at(
    argv: list[str],
    after: float,
    when_output: str | None = None,
    timeout: float = 300.0,
    env: dict[str, str] | None = None,
) -> Outcome:
    """Run argv; SIGKILL its process group `after` seconds after start (or after `when_output`
    shows up on stderr, then `after` seconds more). Bounded by `timeout`."""
    started = time.monotonic()
    child = subprocess.Popen(
        argv,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = threading.Event()
    seen_at = [started]
    if when_output is None:
        seen.set()
    err_lines: list[str] = []

    def read_stderr() -> None:
        for line in child.stderr:
            err_lines.append(line)
            if when_output is not None and when_output in line and not seen.is_set():
                seen_at[0] = time.monotonic()
                seen.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    killed = False
    if seen.wait(timeout):
        try:
            child.wait(after)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            killed = True
    if child.poll() is None:
        try:
            child.wait(max(0.0, timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            killed = True
    out = child.stdout.read()
    child.wait()
    reader.join(5)
    ended = time.monotonic()
    return Outcome(
        killed, child.returncode, ended - started, out, "".join(err_lines), ended - seen_at[0]
    )


def python(*args: str) -> list[str]:
    """argv running this Python with the project on its path."""
    return [sys.executable, *args]


def state_of(
    path: Path | str, ignore: dict[str, tuple[str, ...]] = VOLATILE
) -> dict[str, backup.TableFingerprint]:
    """Reopen the database as the app would and fingerprint every table (no migration runs)."""
    if not Path(path).exists():
        return {}
    db = Database(str(path))
    try:
        with db.reading() as cur:
            return {
                table: backup.fingerprint_table(cur, table, ignore.get(table, ()))
                for table in backup.list_tables(cur)
            }
    finally:
        db.close()


def describe_difference(
    found: dict[str, backup.TableFingerprint], wanted: dict[str, backup.TableFingerprint]
) -> str:
    """The tables whose fingerprints differ, for failure messages."""
    names = sorted(set(found) | set(wanted))
    return ", ".join(
        f"{name}: {found[name].rows if name in found else '-'} rows vs "
        f"{wanted[name].rows if name in wanted else '-'}"
        for name in names
        if found.get(name) != wanted.get(name)
    )


def assert_before_or_after(
    path: Path | str,
    before: dict[str, backup.TableFingerprint],
    after: dict[str, backup.TableFingerprint],
    ignore: dict[str, tuple[str, ...]] = VOLATILE,
) -> str:
    """The database holds exactly the state before or after the write; returns which."""
    found = state_of(path, ignore)
    if found == before:
        return "before"
    if found == after:
        return "after"
    raise AssertionError(
        "the database is neither the state before the write nor after it: "
        f"vs before [{describe_difference(found, before)}]; "
        f"vs after [{describe_difference(found, after)}]"
    )


def kill_rounds(
    base: Path,
    tmp_path: Path,
    argv_for: Callable[[Path], list[str]],
    rounds: int,
    seed: int,
    ignore: dict[str, tuple[str, ...]],
    when_output: str | None = None,
    check: Callable[[Outcome, str, Path], None] | None = None,
) -> tuple[dict, dict, list]:
    """Run the write to the end on a copy of `base`, then kill it at random moments on other
    copies; every copy must hold the state before or after (and pass `check`). Returns before,
    after and what was seen: (moment, killed, 'before' | 'after') per round.

    The moments are drawn from the reference run's length, which a busy machine stretches: when
    no kill landed before the commit, up to four more rounds kill ever earlier, so the rounds
    always include a kill in the middle of the write."""
    before = state_of(base, ignore)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(base, reference)
    full = kill_at(argv_for(reference), after=900, when_output=when_output)
    assert not full.killed and full.returncode == 0, full.stderr
    after = state_of(reference, ignore)
    assert after != before
    seen: list[tuple[float, bool, str]] = []
    rng = random.Random(seed)
    moments = [rng.uniform(0.02, 0.8) * full.seconds_after_output for _ in range(rounds)]
    earliest = min(moments, default=0.5 * full.seconds_after_output)
    for extra in range(4):
        moments.append(earliest / 2 ** (extra + 1))
    for round_number, moment in enumerate(moments):
        if round_number >= rounds and any(
            killed and which == "before" for _, killed, which in seen
        ):
            break
        victim = tmp_path / f"victim{round_number}.duckdb"
        shutil.copy(base, victim)
        outcome = kill_at(argv_for(victim), after=moment, when_output=when_output)
        which = assert_before_or_after(victim, before, after, ignore)
        if check is not None:
            check(outcome, which, victim)
        seen.append((round(moment, 2), outcome.killed, which))
        victim.unlink()
    return before, after, seen
