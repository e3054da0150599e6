"""Every SQL file binds against the migrated schema; the loader refuses wrong parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import demo, sql
from dashboard.db import Database

NOW = dt.datetime(2026, 11, 25, 18, 0)

# A plausible value for every parameter name used under queries/. A new parameter without
# a sample here fails the test below, so this list stays complete.
SAMPLES: dict[str, object] = {
    "as_of": NOW,
    "attempted_at": NOW,
    "before": NOW,
    "start": dt.datetime(2026, 10, 1),
    "end": dt.datetime(2027, 1, 1),
    "since": NOW - dt.timedelta(minutes=15),
    "seed": 7,
    "n_deals": 0,
    "n_accounts": 0,
    "steps": 0,
    "limit": 10,
    "sequence": "seq_teams",
    "scope_kind": "all",
    "scope_rep_id": None,
    "scope_team_id": None,
    "team_id": None,
    "territory_id": None,
    "product_id": None,
    "group_by": None,
    "kind": "won",
    "level": "team",
    "metric": "bookings",
    "scope_kind_goal": "company",
    "scope_id_goal": None,
    "email": "someone@example.com",
    "display_name": "Someone",
    "role": "analyst",
    "password_hash": "x",
    "rep_id": 1,
    "user_id": 1,
    "is_success": False,
    "is_active": True,
    "key": "is_demo",
    "value": "true",
    "action": "test",
    "entity": "users",
    "entity_id": "1",
    "detail": None,
}


@pytest.fixture(scope="module")
def prepared() -> Database:
    """A migrated database with the demo generator's working objects in place."""
    database = Database(":memory:")
    from dashboard.db import migrate

    migrate(database)
    cur = database.cursor()
    sql.execute(cur, "demo/create_uniform_macro")
    for name, frame in demo._org_frames(7).items():
        cur.register(name, frame)
    sql.execute(cur, "demo/create_demo_deals", seed=7, n_deals=0, as_of=NOW)
    yield database, cur
    database.close()


@pytest.mark.parametrize("name", sql.all_query_names())
def test_every_query_binds(prepared, name: str) -> None:
    _, cur = prepared
    query = sql.load(name)
    missing = query.params - SAMPLES.keys()
    assert not missing, f"add sample values for {sorted(missing)} to SAMPLES"
    params = {key: SAMPLES[key] for key in query.params}
    text = query.text.strip().rstrip(";")
    cur.execute(f"explain {text}", params)  # binds and plans without running


def test_every_query_names_its_grain_in_a_header_comment() -> None:
    for name in sql.all_query_names():
        assert sql.load(name).text.lstrip().startswith("--"), f"{name} has no header comment"


def test_parameters_are_found_outside_comments_and_strings() -> None:
    text = "-- uses $not_this\nselect $a, '$nor_this', $b_2 from t where x = $a"
    assert sql.parameters_of(text) == {"a", "b_2"}


def test_missing_or_unknown_parameters_are_refused(cur) -> None:
    with pytest.raises(TypeError, match="missing parameters \\['key'\\]"):
        sql.execute(cur, "workspace/get_setting")
    with pytest.raises(TypeError, match="unknown \\['typo'\\]"):
        sql.execute(cur, "workspace/get_setting", key="x", typo=1)


@pytest.mark.parametrize("name", ["../schema/001_core", "kpis/../../etc", "kpis", "a/b c"])
def test_query_names_cannot_leave_the_queries_folder(name: str) -> None:
    with pytest.raises((ValueError, FileNotFoundError)):
        sql.load(name)
