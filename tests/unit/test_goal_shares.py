"""One rule for the goal of a scope over a period (goal_shares, 021): a goal counts by its days
inside the period, and where goals of several kinds cover a month the finest one counts there -
for quotas, report plans and the Overview alike."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import sql
from dashboard.db import Database, migrate

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
# Q1's quarterly goal of 9,000 spread by days: January 3,100, February 2,800, March 3,100;
# a monthly goal of 2,000 for February replaces February's share
MIXED = 3100 + 2000 + 3100


@pytest.fixture
def goals():
    database = Database(":memory:")
    migrate(database)
    with database.transaction() as cur:
        cur.execute("insert into teams values (1, 'Company', null, 'company', null)")
        cur.execute("insert into reps (rep_id, full_name, team_id) values (1, 'Ann', 1)")
        for scope_kind, scope_id in (("rep", 1), ("company", None), ("team", 1)):
            cur.execute(
                "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
                " metric, target) values"
                " ('quarter', '2026-01-01', '2026-04-01', $kind, $id, 'bookings', 9000),"
                " ('month', '2026-02-01', '2026-03-01', $kind, $id, 'bookings', 2000),"
                " ('month', '2026-05-01', '2026-06-01', $kind, $id, 'bookings', 500)",
                {"kind": scope_kind, "id": scope_id},
            )
    yield database
    database.close()


def test_a_quota_counts_the_finest_goal_month_by_month(goals) -> None:
    with goals.reading() as cur:
        rows = sql.fetch_all(
            cur,
            "compensation/list_rep_goals",
            quarter_start=Q1[0],
            quarter_end=Q1[1],
            scope_kind="all",
            scope_rep_id=None,
            scope_team_id=None,
            only_rep_id=1,
        )
    assert float(rows[0]["goal"]) == pytest.approx(MIXED)


def test_a_report_plan_counts_the_finest_goal_month_by_month(goals) -> None:
    with goals.reading() as cur:
        plan = sql.fetch_one(
            cur,
            "reports/sum_goal",
            goal_scope_kind="company",
            goal_scope_id=None,
            start=dt.datetime(2026, 1, 1),
            end=dt.datetime(2026, 4, 1),
        )
        half = sql.fetch_one(  # half of Q1 (to 2026-02-15): 3,100 + 14/28 of 2,000
            cur,
            "reports/sum_goal",
            goal_scope_kind="company",
            goal_scope_id=None,
            start=dt.datetime(2026, 1, 1),
            end=dt.datetime(2026, 2, 15),
        )
        none = sql.fetch_one(
            cur,
            "reports/sum_goal",
            goal_scope_kind="team",
            goal_scope_id=7,
            start=dt.datetime(2026, 1, 1),
            end=dt.datetime(2026, 4, 1),
        )
    assert (float(plan["plan"]), plan["goals"]) == (pytest.approx(MIXED), 2)
    assert float(half["plan"]) == pytest.approx(3100 + 1000)
    assert (none["plan"], none["goals"]) == (None, 0)


def test_the_overview_goal_follows_the_same_rule(goals) -> None:
    with goals.reading() as cur:
        months = sql.fetch_df(
            cur,
            "overview/goal_by_month",
            scope_kind_goal="team",
            scope_id_goal=1,
            metric="bookings",
            start=dt.datetime(2026, 1, 1),
            end=dt.datetime(2026, 7, 1),
        )
    assert months["target"].astype(float).fillna(0).tolist() == [3100, 2000, 3100, 0, 500, 0]
