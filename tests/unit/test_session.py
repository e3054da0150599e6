"""Page-level session helpers that need no browser: cache refresh after other servers' writes."""

from __future__ import annotations

import pytest
import streamlit as st

from dashboard import sql
from dashboard.ui import session


@pytest.fixture
def watched(db, monkeypatch):
    """The in-memory database standing in for a shared store, a clock, and the cache clears."""
    cleared: list[bool] = []
    clock = {"now": 1000.0}
    monkeypatch.setattr(session, "is_store_url", lambda path: True)
    monkeypatch.setattr(session.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(st.cache_data, "clear", lambda: cleared.append(True))
    session._change_watch.clear()
    yield db, clock, cleared
    session._change_watch.clear()


def write_elsewhere(db) -> None:
    with db.transaction() as cur:
        sql.execute(
            cur,
            "audit/insert_audit",
            user_id=None,
            action="update",
            entity="opportunities",
            entity_id="1",
            detail="{}",
        )


def test_cached_figures_are_dropped_once_another_server_wrote(watched) -> None:
    db, clock, cleared = watched
    session.refresh_if_changed_elsewhere(db)  # first look: remembers where the workspace is
    write_elsewhere(db)
    clock["now"] += 1
    session.refresh_if_changed_elsewhere(db)
    assert cleared == []  # looked a second ago: not due yet
    clock["now"] += 10
    session.refresh_if_changed_elsewhere(db)
    assert cleared == [True]
    clock["now"] += 10
    session.refresh_if_changed_elsewhere(db)
    assert cleared == [True]  # nothing new since


def test_one_embedded_file_never_looks(db, monkeypatch) -> None:
    looked = []
    monkeypatch.setattr(session, "_change_watch", lambda path: looked.append(path))
    session.refresh_if_changed_elsewhere(db)
    assert looked == []
