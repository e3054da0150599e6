"""The audit log: every write a person makes appends one record (queries/audit)."""

from __future__ import annotations

import duckdb

from dashboard import sql


def record_audit(
    cur: duckdb.DuckDBPyConnection,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    detail: str | None = None,
) -> None:
    """Append one record: user `user_id` did `action` to `entity` `entity_id` (kept as text)."""
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail,
    )
