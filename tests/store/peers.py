"""What the app-server-like processes of the concurrency tests share: their common arguments,
the barrier they meet at, and how they report a refusal (importer, goal_editor, goal_creator)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

WAIT_SECONDS = 120.0


def peer_arguments(*, race: bool = False) -> argparse.ArgumentParser:
    """--url, --folder, --name, --index, --peers, --rounds (and --race start|checked)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--peers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    if race:
        parser.add_argument("--race", choices=("start", "checked"), default="start")
    return parser


def meet(folder: Path, point: str, name: str, peers: int) -> None:
    """Wait until every one of `peers` processes has reached this point (a file each)."""
    (folder / f"{point}.{name}").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while len(list(folder.glob(f"{point}.*"))) < peers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the other processes never reached {point}")
        time.sleep(0.005)


def refused(outcome: dict[str, object], error: Exception, by_database: type | None = None) -> None:
    """Record a refusal in a round's outcome: the message, the error, and whether the
    database's own key (an error of type `by_database` behind it) refused it."""
    outcome["refused"] = str(error)
    outcome["error"] = type(error).__name__
    if by_database is not None:
        outcome["by_database"] = isinstance(error.__cause__, by_database)
