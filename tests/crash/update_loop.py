"""Crash-test worker: change many deals through dashboard.deals.update_deal in ONE transaction.

    python -m tests.crash.update_loop --db PATH --deals N

Prints "started" on stderr once the transaction is open, a dot every 100 deals, and
"committed" after the commit. Deterministic: the same input file gives the same result
(apart from wall-clock audit timestamps), so a run to the end is the reference 'after' state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal

from dashboard import deals
from dashboard.commands.common import CLI_VIEWER
from dashboard.db import open_database

AT = dt.datetime(2026, 7, 1, 12, 0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--deals", type=int, default=1000)
    args = parser.parse_args()
    db = open_database(args.db)
    with db.reading() as cur:
        current = cur.execute(
            "select opportunity_id, row_version, amount from opportunities"
            " where opportunity_id <= $n order by opportunity_id",
            {"n": args.deals},
        ).fetchall()
    with db.transaction() as cur:
        print("started", file=sys.stderr, flush=True)
        for deal_id, version, amount in current:
            deals.update_deal(
                cur,
                CLI_VIEWER,
                deal_id,
                version,
                {"amount": Decimal(amount) + 1, "next_step": f"crash round {deal_id}"},
                at=AT,
            )
            if deal_id % 100 == 0:
                print(".", end="", file=sys.stderr, flush=True)
    print("\ncommitted", file=sys.stderr, flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
