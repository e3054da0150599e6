"""The demo workspace built straight onto the shared store (the app's first start on an empty
store, or `python -m dashboard demo --db postgresql://...`): the demo writes its ids itself, and
moves the store's PostgreSQL sequences past them, so rows created afterwards never collide."""

from __future__ import annotations

from dashboard import demo, sql
from dashboard.db import next_ids
from tests.unit.test_goals_keys import keys_and_goals


def test_the_demo_builds_on_the_store_and_later_ids_do_not_collide(db) -> None:
    summary = demo.build_demo(db, deals=200, seed=3)
    assert summary.deals == 200 and summary.goals > 100
    with db.transaction() as cur:
        highest = sql.fetch_one(cur, "demo/max_demo_ids")
        drawn = {table: next_ids(cur, f"seq_{table}", 1)[0] for table in highest}
    assert drawn == {table: int(value) + 1 for table, value in highest.items()}
    keys, wanted = keys_and_goals(db)
    assert keys == wanted and len(keys) == summary.goals
