"""One goal per scope, period and metric, held by the database (goal_keys, migration 014).

Another app server creating the same goal at the same moment is played here by a look that
misses a goal which is there (as a save's look misses a goal another process commits after it
looked): the database's key refuses the save, and after the rollback it is refused with the
message a goal that was there before gets. The same tests run on the shared store
(tests/store/test_goals_on_store.py); there, several real processes race in
tests/store/test_concurrency.py.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from dashboard import goals
from dashboard.db import MIGRATIONS_DIR, Database, migrate, migration_files
from tests.unit.test_goals import (
    ADMIN,
    MANAGER_EAST,
    Q4,
    TODAY,
    build_sales,
    count_goals,
    get,
    set_goal,
)

OCTOBER = goals.make_period("month", dt.date(2026, 10, 1))
KEY_COLUMNS = "scope_kind, scope_key, period_start, period_end, metric, goal_id"


@pytest.fixture
def sales(db):
    build_sales(db)
    return db


def blind(monkeypatch, scope_kind: str, scope_id: int | None, looks: int) -> None:
    """The next `looks` looks for the goal of this scope find none, as a save's looks do while
    another process has not yet committed that goal."""
    real, left = goals.find_goal, [looks]

    def find_goal(cur, kind, subject_id, period, metric):
        if left[0] and (kind, subject_id) == (scope_kind, scope_id):
            left[0] -= 1
            return None
        return real(cur, kind, subject_id, period, metric)

    monkeypatch.setattr(goals, "find_goal", find_goal)


def counts(db) -> dict[str, int]:
    with db.reading() as cur:
        return {
            table: cur.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
            for table in ("goals", "goal_versions", "goal_keys", "audit_log")
        }


def keys_and_goals(db) -> tuple[set, set]:
    """(rows of goal_keys, the key every goal should hold) as sets of tuples."""
    with db.reading() as cur:
        keys = set(cur.execute(f"select {KEY_COLUMNS} from goal_keys").fetchall())  # noqa: S608
        wanted = set(
            cur.execute(
                "select scope_kind, coalesce(scope_id, 0), period_start, period_end, metric,"
                " goal_id from goals"
            ).fetchall()
        )
    return keys, wanted


def save_new(db, kind, scope_id, target, viewer=ADMIN, period=Q4):
    with goals.transaction(db) as cur:
        return goals.set_goal(cur, viewer, kind, scope_id, period, "bookings", target)


@pytest.mark.parametrize(("kind", "scope_id"), [("company", None), ("team", 4)])
def test_the_database_refuses_a_second_key_for_a_goal(sales, kind, scope_id) -> None:
    goal = save_new(sales, kind, scope_id, 5000)
    with sales.reading() as cur:
        held = cur.execute(f"select {KEY_COLUMNS} from goal_keys").fetchall()  # noqa: S608
    assert held == [(kind, scope_id or 0, Q4.start, Q4.end, "bookings", goal.goal_id)]
    with pytest.raises(duckdb.ConstraintException), sales.transaction() as cur:
        cur.execute(
            f"insert into goal_keys ({KEY_COLUMNS}) values ($kind, $key, $start, $end,"  # noqa: S608
            " 'bookings', 99)",
            {"kind": kind, "key": scope_id or 0, "start": Q4.start, "end": Q4.end},
        )
    # another period, metric or scope is another key
    save_new(sales, kind, scope_id, 100, period=OCTOBER)
    save_new(sales, "team", 5, 100)
    keys, wanted = keys_and_goals(sales)
    assert keys == wanted and len(keys) == 3


@pytest.mark.parametrize(
    ("kind", "scope_id", "label"),
    [("company", None, "Company · 2026-Q4 · Bookings"), ("team", 4, "Boston · 2026-Q4 · Bookings")],
    ids=["company", "team"],
)
def test_a_goal_created_meanwhile_is_refused_as_an_existing_goal_and_nothing_changes(
    sales, monkeypatch, kind, scope_id, label
) -> None:
    save_new(sales, kind, scope_id, 5000, viewer=MANAGER_EAST if kind == "team" else ADMIN)
    before = counts(sales)
    with pytest.raises(goals.StaleVersion) as existing:  # the goal was there before: one process
        save_new(sales, kind, scope_id, 9000)
    message = (
        f"A goal for {label} exists already: $5,000 (version 1). Nothing was changed; edit that "
        "goal instead."
    )
    assert str(existing.value) == message
    blind(monkeypatch, kind, scope_id, looks=1)
    with pytest.raises(goals.StaleVersion) as raced:  # it came in after the save looked
        save_new(sales, kind, scope_id, 9000)
    assert str(raced.value) == message
    assert isinstance(raced.value.__cause__, goals.GoalTaken)  # the database refused it
    assert counts(sales) == before
    with sales.reading() as cur:
        assert goals.find_goal(cur, kind, scope_id, Q4, "bookings").target == 5000


def test_outside_goals_transaction_the_refusal_still_names_the_goal(sales, monkeypatch) -> None:
    save_new(sales, "team", 4, 5000)
    before = counts(sales)
    blind(monkeypatch, "team", 4, looks=1)
    with pytest.raises(goals.GoalTaken) as taken:
        set_goal(sales, ADMIN, "team", 4, 9000)  # a plain db.transaction()
    assert str(taken.value) == (
        "A goal for Boston · 2026-Q4 · Bookings was created by someone else at the same moment. "
        "Nothing was changed; reload and edit that goal instead."
    )
    assert counts(sales) == before


def test_a_split_whose_child_was_created_meanwhile_saves_nothing(sales, monkeypatch) -> None:
    east = save_new(sales, "team", 2, 10000)
    with sales.reading() as cur:
        frame = goals.propose_split(cur, ADMIN, east.goal_id, "even", "month", TODAY).frame
    assert list(frame["child"]) == ["Boston", "New York"] and frame["goal_id"].isna().all()
    save_new(sales, "team", 4, 4000, viewer=MANAGER_EAST)  # Boston's goal, after the proposal
    before = counts(sales)

    def save_split():
        with goals.transaction(sales) as cur:
            return goals.save_split(cur, ADMIN, east.goal_id, 1, frame)

    with pytest.raises(goals.StaleVersion) as existing:
        save_split()
    blind(monkeypatch, "team", 4, looks=1)
    with pytest.raises(goals.StaleVersion) as raced:
        save_split()
    assert str(raced.value) == str(existing.value)
    assert str(raced.value).startswith(
        "Someone saved the goal for Boston (Boston · 2026-Q4 · Bookings) meanwhile: it is now "
        "$4,000 (version 1 by Mia East"
    )
    assert isinstance(raced.value.__cause__, goals.GoalTaken)
    assert counts(sales) == before
    assert get(sales, east.goal_id).children == 1  # Boston's own goal, linked when it was set
    with sales.reading() as cur:
        assert goals.find_goal(cur, "team", 5, Q4, "bookings") is None  # New York: not saved


def test_an_import_whose_goal_was_created_meanwhile_saves_no_row(sales, monkeypatch) -> None:
    text = (
        "scope,period,metric,target\n"
        "team:New York,2026-Q4,bookings,2000\n"
        "team:Boston,2026-Q4,bookings,3000\n"
    )
    save_new(sales, "team", 4, 1000)
    before = counts(sales)
    blind(monkeypatch, "team", 4, looks=2)  # the file's check and its save both miss it
    with pytest.raises(goals.StaleVersion) as raced, goals.transaction(sales) as cur:
        goals.import_goals(cur, ADMIN, text)
    assert str(raced.value) == (
        "A goal for Boston · 2026-Q4 · Bookings exists already: $1,000 (version 1). Nothing was "
        "changed; edit that goal instead."
    )
    assert counts(sales) == before
    assert count_goals(sales) == 1
    with goals.transaction(sales) as cur:  # imported again, the row updates that goal
        result = goals.import_goals(cur, ADMIN, text)
    assert (result.created, result.updated) == (1, 1)


def test_every_path_that_creates_goals_writes_their_keys(sales) -> None:
    company = save_new(sales, "company", None, 12000)
    with goals.transaction(sales) as cur:
        frame = goals.propose_split(cur, ADMIN, company.goal_id, "even", "month", TODAY).frame
        split = goals.save_split(cur, ADMIN, company.goal_id, 1, frame)
        imported = goals.import_goals(
            cur,
            ADMIN,
            "scope,period,metric,target\nteam:Boston,2026-Q4,bookings,10\n"
            "company,2026-10,won_deals,4\nrep:Ann Archer,2026-Q4,activities,30\n",
        )
    assert (split.created, imported.created) == (2, 3)
    keys, wanted = keys_and_goals(sales)
    assert keys == wanted and len(keys) == 6
    assert ("company", 0, OCTOBER.start, OCTOBER.end, "won_deals") in {key[:5] for key in keys}


def check_migration_fills_goal_keys(database: Database, folder) -> None:
    """Migrate an empty workspace up to 013, write goals (two of them for one key), then migrate
    to 014: every key gets one row, held by its lowest goal_id, and the migration succeeds."""
    before = folder / "before_014"
    before.mkdir()
    for path in migration_files():
        if path.name < "014":
            shutil.copy(path, before / path.name)
    migrate(database, before)
    rows = [  # goal_id, period kind, start, end, scope kind, scope id, metric, target
        (5, "quarter", Q4.start, Q4.end, "company", None, "bookings", 900),
        (3, "quarter", Q4.start, Q4.end, "company", None, "bookings", 1000),
        (4, "quarter", Q4.start, Q4.end, "team", 2, "bookings", 600),
        (6, "month", OCTOBER.start, OCTOBER.end, "team", 2, "bookings", 200),
        (7, "quarter", Q4.start, Q4.end, "company", None, "won_deals", 9),
        (8, "quarter", Q4.start, Q4.end, "team", 2, "bookings", 650),
    ]
    with database.transaction() as cur:
        for row in rows:
            cur.execute(
                "insert into goals (goal_id, period_kind, period_start, period_end, scope_kind,"
                " scope_id, metric, target) values (?, ?, ?, ?, ?, ?, ?, ?)",
                list(row),
            )
    assert migrate(database, MIGRATIONS_DIR)[0] == "014_goal_keys"
    with database.reading() as cur:
        keys = cur.execute(
            f"select {KEY_COLUMNS} from goal_keys order by goal_id"  # noqa: S608
        ).fetchall()
        kept = cur.execute("select count(*) from goals").fetchone()[0]
    assert keys == [
        ("company", 0, Q4.start, Q4.end, "bookings", 3),
        ("team", 2, Q4.start, Q4.end, "bookings", 4),
        ("team", 2, OCTOBER.start, OCTOBER.end, "bookings", 6),
        ("company", 0, Q4.start, Q4.end, "won_deals", 7),
    ]
    assert kept == len(rows)  # the duplicates stay as they were


def test_the_migration_gives_existing_goals_their_keys(tmp_path) -> None:
    database = Database(":memory:")
    try:
        check_migration_fills_goal_keys(database, tmp_path)
    finally:
        database.close()


def test_the_demo_goals_hold_their_keys(demo_db) -> None:
    keys, wanted = keys_and_goals(demo_db)
    assert keys == wanted and len(keys) > 100
    assert {key[1] for key in keys if key[0] == "company"} == {0}
    assert min(key[1] for key in keys if key[0] != "company") > 0
