"""Batch history, rejected rows, and undo.

Undo returns the workspace to exactly the state before the batch: the deals it created are
removed with their history, the deals it updated are put back as they were (from the
snapshot taken before the change) and the history rows it wrote are removed; accounts, reps,
teams, products, orders and returns it created are removed. When something done after the
batch depends on it (a later import changed the same deals, someone edited them in the app,
a later batch's deals use an account it created), undo is refused and says which batch to
undo first: batches undo in reverse order, never out of it, so nothing later is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import DomainError, NotFoundError
from dashboard.importing.mapping import check_importer

ENTITY_LABELS = {
    "deal": "deal",
    "opportunity": "deal",
    "account": "account",
    "rep": "rep",
    "team": "team",
    "product": "product",
    "order": "order",
    "order_line": "order line",
    "return": "return",
}
# children before parents, so nothing is left pointing at a removed row
DELETE_ORDER = (
    "returns",
    "order_lines",
    "orders",
    "opportunities",
    "accounts",
    "products",
    "reps",
    "teams",
)


class UndoRefused(DomainError):
    """Undoing the batch would lose or break later work; the message says what to do."""


def list_batches(cur: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int = 500) -> pd.DataFrame:
    """Import batches, newest first, with counts, who loaded them and their status."""
    check_importer(viewer)
    return sql.fetch_df(cur, "imports/list_batches", limit=limit)


def get_batch(cur: duckdb.DuckDBPyConnection, viewer: Viewer, batch_id: int) -> dict[str, Any]:
    """One batch as a dict (NotFoundError when there is none)."""
    check_importer(viewer)
    row = sql.fetch_one(cur, "imports/get_batch", batch_id=batch_id)
    if row is None:
        raise NotFoundError(f"There is no import batch {batch_id}.")
    return row


def list_rejects(cur: duckdb.DuckDBPyConnection, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """The rows of a batch that were not loaded: row number, reason and the row's cells."""
    get_batch(cur, viewer, batch_id)
    rows = sql.fetch_all(cur, "imports/list_rejects", batch_id=batch_id)
    records = []
    for row in rows:
        cells = json.loads(row["raw_row"])
        records.append({"row": row["row_number"], "reason": row["reason"], **cells})
    return pd.DataFrame(records, columns=None if records else ["row", "reason"])


def list_batch_changes(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, batch_id: int
) -> pd.DataFrame:
    """What a batch created and updated: one row per kind of record and action."""
    get_batch(cur, viewer, batch_id)
    return sql.fetch_df(cur, "imports/list_batch_changes", batch_id=batch_id)


def find_undo_conflicts(cur: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """What stops a batch from being undone exactly (empty when it can be)."""
    return sql.fetch_df(cur, "imports/find_undo_conflicts", batch_id=batch_id)


def _conflict_message(batch: dict[str, Any], conflicts: pd.DataFrame) -> str:
    later = sorted({int(value) for value in conflicts["blocking_batch_id"].dropna()})
    later = [value for value in later if value != batch["batch_id"]]
    counts = Counter(
        (ENTITY_LABELS.get(row.entity, row.entity), row.detail) for row in conflicts.itertuples()
    )
    details = "; ".join(
        f"{count} {label}{'s' if count > 1 else ''} {detail}"
        for (label, detail), count in counts.most_common(4)
    )
    message = f"Batch {batch['batch_id']} ({batch['file_name']}) cannot be undone: {details}."
    if later:
        shown = ", ".join(str(value) for value in reversed(later))
        message += (
            f" Undo the later batch{'es' if len(later) > 1 else ''} first ({shown}), newest first."
        )
    else:
        message += " Undoing it would lose that later work."
    return message


def undo_batch(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    batch_id: int,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Undo a batch inside the caller's transaction; returns how many records went back."""
    batch = get_batch(cur, viewer, batch_id)
    if batch["status"] == "undone":
        raise UndoRefused(
            f"Batch {batch_id} was already undone on {batch['undone_at']:%Y-%m-%d %H:%M}."
        )
    conflicts = find_undo_conflicts(cur, batch_id)
    if not conflicts.empty:
        raise UndoRefused(_conflict_message(batch, conflicts))
    changes = sql.fetch_df(cur, "imports/list_batch_changes", batch_id=batch_id)
    counts = {f"{row.entity}_{row.action}": int(row.records) for row in changes.itertuples()}
    sql.execute(cur, "imports/delete_batch_events", batch_id=batch_id)
    sql.execute(cur, "imports/restore_deals", batch_id=batch_id)
    sql.execute(cur, "imports/restore_accounts", batch_id=batch_id)
    for table in DELETE_ORDER:
        sql.execute(cur, f"imports/delete_created_{table}", batch_id=batch_id)
    sql.execute(
        cur,
        "imports/mark_batch_undone",
        batch_id=batch_id,
        undone_at=now or dt.datetime.now().replace(microsecond=0),
        undone_by=viewer.user_id or None,
    )
    # the file may be loaded again without --allow-duplicate, unless a duplicate load of it is
    # still in place (that one then holds the claim)
    sql.execute(cur, "imports/release_claim", batch_id=batch_id)
    sql.execute(cur, "imports/pass_claim", batch_id=batch_id)
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action="undo_import",
        entity="import_batches",
        entity_id=str(batch_id),
        detail=json.dumps(counts),
    )
    return counts
