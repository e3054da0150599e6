"""Ids drawn ahead of inserts (dashboard.db.next_ids): what imports (set-based deals, accounts,
orders, returns) and territory rules use, on the embedded file and, through
tests/store/test_imports_on_store.py, on the shared store, whose sequences live in PostgreSQL."""

from __future__ import annotations

from dashboard.db import next_ids
from dashboard.importing.loading import reserve_ids


def test_ids_are_drawn_ascending_and_never_twice(db) -> None:
    with db.transaction() as cur:
        first = next_ids(cur, "seq_territory_rules", 3)
        second = next_ids(cur, "seq_territory_rules", 2)
        assert next_ids(cur, "seq_territory_rules", 0) == []
        other = next_ids(cur, "seq_accounts", 1)
    assert first == [1, 2, 3] and second == [4, 5]
    assert other == [1]  # each sequence counts on its own
    with db.transaction() as cur:  # the next transaction goes on from there
        assert next_ids(cur, "seq_territory_rules", 1) == [6]


def test_reserved_ids_skip_past_rows_written_with_explicit_ids(db) -> None:
    with db.transaction() as cur:
        cur.execute(
            "insert into accounts (account_id, account_name) values (7, 'Written with its id')"
        )
        assert reserve_ids(cur, "seq_accounts", 2) == [8, 9]
        assert reserve_ids(cur, "seq_accounts", 1) == [10]
