"""An app-server-like process importing files on the shared store, for the concurrency tests.

    python -m tests.store.importer --url URL --folder DIR --name NAME --peers N --rounds R
        [--race checked]

Round r loads DIR/round-r.csv through dashboard.importing (the Imports page's path: plan, then
load_tables, as a first load: no --allow-duplicate). Before each round the N processes meet at
a barrier (flag files in DIR), so they start loading at the same moment. With --race checked
they meet again after each has looked for earlier loads of the file and found none, so every
one of them goes on to load it and only the database can stop the second. Prints one JSON line
per round: the batch loaded, or the message the load was refused with.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboard.db import open_database
from dashboard.errors import DomainError
from dashboard.importing import loading, planning
from tests.store.peers import meet, peer_arguments, refused
from tests.unit.test_import_support import ANALYST


def main() -> int:
    args = peer_arguments(race=True).parse_args()
    folder = Path(args.folder)
    db = open_database(args.url)
    round_number = 0
    if args.race == "checked":
        real = loading.find_earlier_loads

        def checked_together(cur, table):
            earlier = real(cur, table)
            meet(folder, f"checked-{round_number}", args.name, args.peers)
            return earlier

        loading.find_earlier_loads = checked_together
    for round_number in range(args.rounds):
        path = folder / f"round-{round_number}.csv"
        with db.reading() as cur:
            plans = planning.plan_file(cur, ANALYST, path.name, path.read_bytes())
        meet(folder, f"start-{round_number}", args.name, args.peers)
        outcome: dict[str, object] = {"round": round_number, "name": args.name}
        try:
            results = planning.load(db, ANALYST, plans)
            outcome["batch_id"] = results[0].batch_id
        except DomainError as error:
            refused(outcome, error, loading._ClaimTaken)
        print(json.dumps(outcome), flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
