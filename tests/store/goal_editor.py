"""An app-server-like process editing goals on the shared store, for the concurrency tests.

    python -m tests.store.goal_editor --url URL --folder DIR --name NAME --index I --peers N
        --goals 1,2 --rounds R

Each round the processes meet at a barrier (flag files in DIR) once the round before is over,
each opens one goal as the Goals page's editor does (reads its target and version), and they
meet again, so that those on the same goal hold the same version; then each saves a target no
other attempt uses (goals.edit_goal with that version, in one transaction). Process I edits
goal number (round + I) % len(goals), so most rounds have several processes on one goal.
Prints one JSON line per attempt: the target, the version it started from, and the version
saved or the message it was refused with.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from dashboard import goals
from dashboard.db import open_database
from dashboard.errors import DomainError
from tests.store.peers import meet, peer_arguments, refused
from tests.unit.test_import_support import ADMIN


def main() -> int:
    parser = peer_arguments()
    parser.add_argument("--goals", required=True)
    args = parser.parse_args()
    folder = Path(args.folder)
    goal_ids = [int(part) for part in args.goals.split(",")]
    db = open_database(args.url)
    for round_number in range(args.rounds):
        goal_id = goal_ids[(round_number + args.index) % len(goal_ids)]
        # every save of the round before has landed or been refused: all open the same version
        meet(folder, f"open-{round_number}", args.name, args.peers)
        with db.reading() as cur:
            opened = goals.get_goal(cur, goal_id, ADMIN)
        target = Decimal(100_000 * (args.index + 1) + round_number)
        attempt = {
            "name": args.name,
            "round": round_number,
            "goal_id": goal_id,
            "target": str(target),
            "from_version": opened.version,
        }
        meet(folder, f"save-{round_number}", args.name, args.peers)
        try:
            with db.transaction() as cur:
                change = goals.edit_goal(cur, ADMIN, goal_id, target, opened.version)
            attempt["version"] = change.version
        except DomainError as error:
            refused(attempt, error)
        print(json.dumps(attempt), flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
