"""An app-server-like process creating goals on the shared store, for the concurrency tests.

    python -m tests.store.goal_creator --url URL --folder DIR --name NAME --index I --peers N
        --rounds R [--race checked]

Round r creates the goal round_goal(r) (the company's or a team's, a quarter of its own) as the
Goals page's "Set goal" does: goals.set_goal inside goals.transaction(db), as a new goal (no
version). Before each round the N processes meet at a barrier (flag files in DIR), so they save
at the same moment. With --race checked they meet again after each has looked for the goal and
found none, so every one of them goes on to create it and only the database can stop the
others. Process I saves target 1000 * (I + 1) + r. Prints one JSON line per round: the goal
created, or the message the save was refused with.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from dashboard import goals
from dashboard.db import open_database
from dashboard.errors import DomainError
from tests.store.peers import meet, peer_arguments, refused
from tests.unit.test_import_support import ADMIN


def round_goal(round_number: int) -> tuple[str, int | None, goals.GoalPeriod]:
    """(scope kind, scope id, period) of round r: the company (no id) on even rounds, team 2
    on odd ones, each round a quarter later than the one before."""
    month = 1 + 3 * (round_number % 4)
    period = goals.make_period("quarter", dt.date(2027 + round_number // 4, month, 1))
    return ("company", None, period) if round_number % 2 == 0 else ("team", 2, period)


def main() -> int:
    args = peer_arguments(race=True).parse_args()
    folder = Path(args.folder)
    db = open_database(args.url)
    round_number = 0
    if args.race == "checked":
        real, looked = goals.find_goal, set()

        def looked_together(*lookup, **named):
            found = real(*lookup, **named)
            if round_number not in looked:  # the save's own look, not the refusal's
                looked.add(round_number)
                meet(folder, f"looked-{round_number}", args.name, args.peers)
            return found

        goals.find_goal = looked_together
    for round_number in range(args.rounds):
        kind, scope_id, period = round_goal(round_number)
        target = 1000 * (args.index + 1) + round_number
        outcome: dict[str, object] = {"round": round_number, "name": args.name, "target": target}
        meet(folder, f"start-{round_number}", args.name, args.peers)
        try:
            with goals.transaction(db) as cur:
                change = goals.set_goal(cur, ADMIN, kind, scope_id, period, "bookings", target)
            outcome["goal_id"] = change.goal_id
        except DomainError as error:
            refused(outcome, error, goals.GoalTaken)
        print(json.dumps(outcome), flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
