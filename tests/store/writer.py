"""An app-server-like process on the shared store, for the concurrency tests and the load bench.

    python -m tests.store.writer --url URL --deals 1,2,3 --rounds N [--seconds S] [--read]
        [--lake-data FOLDER]

Each round picks the next deal, reads it and saves amount + 1 through dashboard.deals (the
page's write path, with optimistic concurrency). A refused stale write is counted and retried
from a fresh read. With --read it runs the Overview's KPI query instead of writing. Prints one
JSON line: saved, conflicts, reads, and every latency in milliseconds. With --lake-data the
process works on a DuckLake instead (--url is then its PostgreSQL catalog's libpq address; see
tests/store/lake.py), for the load bench's comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal

from dashboard import deals, metrics
from dashboard.commands.common import CLI_VIEWER
from dashboard.db import open_database
from dashboard.errors import DomainError


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--deals", default="1")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=0.0)
    parser.add_argument("--read", action="store_true")
    parser.add_argument("--lake-data")
    args = parser.parse_args()
    if args.lake_data:
        from tests.store.lake import LakeDatabase

        db = LakeDatabase(args.url, args.lake_data)
    else:
        db = open_database(args.url)
    targets = [int(part) for part in args.deals.split(",")]
    saved = conflicts = reads = 0
    latencies: list[float] = []
    print("ready", file=sys.stderr, flush=True)
    started = time.monotonic()
    round_number = 0
    while (round_number < args.rounds and not args.seconds) or (
        args.seconds and time.monotonic() - started < args.seconds
    ):
        deal_id = targets[round_number % len(targets)]
        round_number += 1
        begun = time.perf_counter()
        if args.read:
            with db.reading() as cur:
                metrics.compute_kpis(cur, CLI_VIEWER)
            reads += 1
            latencies.append((time.perf_counter() - begun) * 1000)
            continue
        while True:
            try:
                with db.transaction() as cur:
                    deal = deals.get_deal(cur, CLI_VIEWER, deal_id)
                    deals.update_deal(
                        cur,
                        CLI_VIEWER,
                        deal_id,
                        deal["row_version"],
                        {"amount": Decimal(deal["amount"]) + 1},
                    )
                saved += 1
                break
            except DomainError:  # a stale or concurrent write: nothing saved, try again
                conflicts += 1
        latencies.append((time.perf_counter() - begun) * 1000)
    print(
        json.dumps(
            {
                "saved": saved,
                "conflicts": conflicts,
                "reads": reads,
                "seconds": time.monotonic() - started,
                "latencies_ms": latencies,
            }
        )
    )
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
