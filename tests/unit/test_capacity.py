"""Capacity (the reverse funnel) and demand on hand-made history worked out by hand.

The workspace is the one of test_goals (today Friday 2026-11-13; 2026-Q4 has 66 selling days,
32 elapsed, so 34 left = 6.8 selling weeks). The history window is the four complete quarters
2025-10-01 .. 2026-09-30.

Cat (rep 3) in that window: won deal 4 (2,000, created Oct 1, won Nov 10: 40 days) and deal 6
(2,000, created Oct 20, won Dec 9: 50 days); lost deal 8 (reached stages 1-3) and deal 9
(stage 1 only). So win rate 2 / 4 = 50%, average deal 2,000, cycle 45 days; stage reach 4, 3,
3, 2, 2, 2, 2; six done activities (two more not done), 3 per won deal; one rep, 4,000 / 4 =
1,000 bookings per rep per quarter. Open now and due in 2026-Q4: 3,000 at 50% and 1,000 at
20% (4,000; 1,700 weighted); 5,000 at 10% is due in January 2027.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import capacity, goals
from dashboard.errors import PermissionDenied, ValidationError
from tests.unit.test_goals import (
    ADMIN,
    MANAGER_DENVER,
    MANAGER_EAST,
    Q4,
    REP_ANN,
    TODAY,
    build_sales,
)


@pytest.fixture
def sales(db):
    build_sales(db)
    return db


STAGES = [
    "Prospecting",
    "Qualifying",
    "Gathering information",
    "Approach",
    "Presentation",
    "Needs research",
    "Closing",
]


def test_the_history_window_is_the_last_four_complete_quarters() -> None:
    assert capacity.history_window(TODAY) == (dt.date(2025, 10, 1), dt.date(2026, 10, 1))
    assert capacity.history_window(dt.date(2026, 1, 1)) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 1, 1),
    )


def test_a_reps_history_worked_out_by_hand(sales) -> None:
    with sales.reading() as cur:
        history = capacity.load_scope_history(cur, ADMIN, "rep", 3, TODAY)
    assert (history.won, history.lost, history.bookings) == (2, 2, 4000)
    assert history.win_rate == 0.5 and history.avg_deal_size == 2000
    assert history.cycle_days == 45
    assert history.activities == 6 and history.activities_per_won == 3
    assert history.reps == 1 and history.output_per_rep_quarter("bookings") == 1000
    assert list(history.stages["stage_name"]) == STAGES
    assert list(history.stages["reached"]) == [4, 3, 3, 2, 2, 2, 2]
    assert list(history.stages["conversion"]) == pytest.approx([0.75, 1, 2 / 3, 1, 1, 1, 1])
    assert list(history.stages["to_won"]) == pytest.approx([0.5, 2 / 3, 2 / 3, 1, 1, 1, 1])


@pytest.mark.parametrize(
    ("kind", "scope_id", "reps", "won", "bookings"),
    [
        ("company", None, 4, 7, 10000),  # Eve left; every won deal of 2025-Q4
        ("team", 4, 2, 3, 4000),  # Boston: Ann and Bob
        ("team", 2, 3, 5, 8000),  # East
        ("territory", 3, 2, 3, 4000),  # Massachusetts: Ann and Bob won there
        ("product", 2, 3, 3, 5000),  # Gadget: Dan, Cat, Ann
        ("segment", 2, 1, 2, 4000),  # Enterprise: Cat's Beta
    ],
)
def test_history_for_every_kind_of_scope(sales, kind, scope_id, reps, won, bookings) -> None:
    with sales.reading() as cur:
        history = capacity.load_scope_history(cur, ADMIN, kind, scope_id, TODAY)
    assert (history.reps, history.won, history.bookings) == (reps, won, bookings)


def test_the_reverse_funnel_for_a_goal_worked_out_by_hand(sales) -> None:
    with sales.transaction() as cur:
        goal = goals.set_goal(cur, ADMIN, "rep", 3, Q4, "bookings", 10000)
    with sales.reading() as cur:
        _, history, plan = capacity.compute_capacity(cur, ADMIN, goal.goal_id, TODAY)
    assert (plan.target, plan.actual, plan.remaining) == (10000, 2000, 8000)
    assert plan.wins_needed == 4  # 8,000 / 2,000
    assert plan.opportunities_needed == 8  # 4 / 50%
    assert plan.pipeline_needed == 16000  # 8,000 / 50%
    assert plan.selling_weeks_left == pytest.approx(6.8)
    assert plan.opportunities_per_week == pytest.approx(8 / 6.8)
    assert plan.activities_needed == 12  # 4 wins x 3
    assert plan.activities_per_rep_per_week == pytest.approx(12 / 1 / 6.8)
    assert plan.headcount_now == 1
    assert plan.headcount_implied == 10  # 10,000 / (1,000 per rep per quarter x 1 quarter)
    assert (plan.open_due_deals, plan.open_due_amount, plan.open_due_weighted) == (2, 4000, 1700)
    assert plan.pipeline_gap == 12000 and plan.gap_opportunities == 6
    assert plan.create_by == dt.date(2026, 8, 17)  # 45 days before the quarter
    assert list(plan.funnel["stage_name"]) == [*STAGES, "Won"]
    assert list(plan.funnel["deals_needed"]) == [8, 6, 6, 4, 4, 4, 4, 4]
    text = " ".join(plan.summary)
    assert (
        "To reach the goal of $10,000 for 2026-Q4, $8,000 more is needed ($2,000 so far)." in text
    )
    assert "win rate of 50% and average deal of $2,000, that is 4 more won deals from 8" in text
    assert "so $12,000 of pipeline is missing: about 6 more opportunities" in text
    assert "The goal implies 10.0 reps at the historical $1,000 per rep per quarter" in text
    assert "should have been created by 2026-08-17" in text
    figures = plan.figures().set_index("figure")["value"]
    assert figures["Pipeline needed"] == 16000 and figures["Headcount implied"] == 10


def history(**overrides) -> capacity.ScopeHistory:
    """A scope that won 20 and lost 30 deals (400,000) in four quarters, with 5 reps."""
    values = {
        "scope_kind": "team",
        "scope_id": 9,
        "start": dt.date(2025, 10, 1),
        "end": dt.date(2026, 10, 1),
        "won": 20,
        "lost": 30,
        "bookings": 400_000.0,
        "cycle_days": 60.0,
        "activities": 200,
        "reps": 5,
        "stages": capacity.stage_conversion(
            pd.DataFrame(
                {"stage_name": ["Open", "Closing"], "sort_order": [1, 2], "reached": [50, 25]}
            ),
            20,
        ),
    }
    return capacity.ScopeHistory(**{**values, **overrides})


NO_PIPELINE = {"deals": 0, "amount": 0.0, "weighted": 0.0}


def test_plan_capacity_from_a_hand_made_history() -> None:
    open_due = {"deals": 30, "amount": 600_000.0, "weighted": 250_000.0}
    plan = capacity.plan_capacity(history(), "bookings", 300_000, 100_000, Q4, TODAY, open_due)
    assert plan.win_rate == 0.4 and plan.avg_deal_size == 20_000
    assert (plan.wins_needed, plan.opportunities_needed) == (10, 25)
    assert plan.pipeline_needed == 500_000  # 200,000 / 40%
    assert plan.opportunities_per_week == pytest.approx(25 / 6.8)
    assert plan.activities_needed == 100  # 10 wins x 10 activities
    assert plan.activities_per_rep_per_week == pytest.approx(100 / 5 / 6.8)
    assert plan.output_per_rep_quarter == 20_000  # 400,000 / 5 reps / 4 quarters
    assert plan.headcount_implied == 15  # 300,000 / 20,000
    assert plan.pipeline_gap == -100_000 and plan.gap_opportunities is None
    assert list(plan.funnel["deals_needed"]) == [25, 13, 10]  # 10 x 50/20, 10 x 25/20, won
    assert any("the pipeline is there" in line for line in plan.summary)
    assert any("(1.2x what is needed)" in line for line in plan.summary)


def test_a_month_goal_and_a_won_deals_goal() -> None:
    month = goals.make_period("month", dt.date(2026, 12, 1))
    plan = capacity.plan_capacity(history(), "bookings", 40_000, 0, month, TODAY, NO_PIPELINE)
    assert plan.headcount_implied == pytest.approx(40_000 / (20_000 / 3))  # 6 reps
    assert plan.selling_weeks_left == pytest.approx(23 / 5)  # December has 23 selling days
    won = capacity.plan_capacity(history(), "won_deals", 30, 10, Q4, TODAY, NO_PIPELINE)
    assert (won.wins_needed, won.opportunities_needed) == (20, 50)
    assert won.pipeline_needed == 1_000_000  # 20 wins x 20,000 / 40%
    assert won.headcount_implied == 30 / 1  # 30 / (20 won / 5 reps / 4 quarters)
    assert any("more won deals" in line for line in won.summary)


def test_no_history_and_a_reached_goal_are_said_plainly() -> None:
    empty = history(won=0, lost=0, bookings=0.0, cycle_days=None, activities=0)
    plan = capacity.plan_capacity(empty, "bookings", 50_000, 0, Q4, TODAY, NO_PIPELINE)
    assert plan.wins_needed is None and plan.pipeline_needed is None and plan.funnel.empty
    assert "no win rate or deal size to plan from" in plan.summary[-1]
    reached = capacity.plan_capacity(history(), "bookings", 50_000, 60_000, Q4, TODAY, NO_PIPELINE)
    assert reached.remaining == 0
    assert reached.summary == [
        "The goal of $50,000 for 2026-Q4 is reached already ($60,000 so far); nothing more is needed."
    ]


def test_capacity_needs_a_bookings_or_won_deals_goal(sales) -> None:
    with pytest.raises(ValidationError, match="bookings or won-deals goal"):
        capacity.plan_capacity(history(), "activities", 10, 0, Q4, TODAY, NO_PIPELINE)
    with sales.transaction() as cur:
        goal = goals.set_goal(cur, ADMIN, "rep", 3, Q4, "activities", 40)
    with pytest.raises(ValidationError, match="is about activities"), sales.reading() as cur:
        capacity.compute_capacity(cur, ADMIN, goal.goal_id, TODAY)


def test_capacity_stays_inside_what_the_viewer_sees(sales) -> None:
    with sales.reading() as cur:
        with pytest.raises(PermissionDenied):
            capacity.compute_capacity_for_target(
                cur, MANAGER_DENVER, "rep", 3, Q4, "bookings", 1000, TODAY
            )
        with pytest.raises(PermissionDenied):
            capacity.load_demand(cur, REP_ANN, "team", 4, dt.date(2026, 11, 1), 3, TODAY)
        own = capacity.load_scope_history(cur, MANAGER_EAST, "team", 2, TODAY)
    assert own.bookings == 8000


def test_demand_per_product_and_month_worked_out_by_hand(sales) -> None:
    with sales.reading() as cur:
        demand = capacity.load_demand(cur, ADMIN, "rep", 3, dt.date(2026, 11, 1), 3, TODAY)
    rows = {
        (row.product_name, row.month_start.strftime("%Y-%m")): (
            row.pipeline_amount,
            row.pipeline_expected,
            row.last_year,
        )
        for row in demand.itertuples()
    }
    assert rows == {
        ("Widget", "2026-11"): (0, 0, 0),
        ("Widget", "2026-12"): (3000, 1500, 2000),  # 3,000 at 50%; deal 6 last December
        ("Widget", "2027-01"): (5000, 500, 0),
        ("Gadget", "2026-11"): (1000, 200, 2000),  # 1,000 at 20%; deal 4 last November
        ("Gadget", "2026-12"): (0, 0, 0),
        ("Gadget", "2027-01"): (0, 0, 0),
    }
    trailing = demand.groupby("product_name")["trailing_average"].first()
    assert trailing["Widget"] == pytest.approx(2000 / 12, abs=0.01)  # deal 6
    assert trailing["Gadget"] == pytest.approx(4000 / 12, abs=0.01)  # deals 4 and 10
    totals = capacity.summarise_demand(demand, 1000.0)
    assert list(totals["pipeline_expected"]) == [200, 1500, 500]
    assert list(totals["last_year"]) == [2000, 2000, 0]
    assert list(totals["capacity"]) == [1000, 1000, 1000]


def test_monthly_capacity_of_a_headcount() -> None:
    assert capacity.monthly_capacity(history(), 6) == pytest.approx(20_000 / 3 * 6)
    assert capacity.monthly_capacity(history(won=0, bookings=0.0, reps=0), 6) is None


def test_capacity_on_the_demo(demo_db, demo_viewers) -> None:
    today = dt.date.today()
    manager = demo_viewers["manager"]
    with demo_db.reading() as cur:
        goal_id = cur.execute(
            "select goal_id from goals where scope_kind = 'team' and scope_id = $team"
            " and period_start = $start and metric = 'bookings'",
            {"team": manager.team_id, "start": goals.period_containing("quarter", today).start},
        ).fetchone()[0]
        goal, history, plan = capacity.compute_capacity(cur, manager, goal_id, today)
    assert history.won > 0 and 0 < history.win_rate < 1
    assert history.reps == 23  # North America East: 8 + 8 + 7 reps
    needed = list(plan.funnel["deals_needed"])
    assert needed == sorted(needed, reverse=True)  # a funnel narrows
    assert (
        plan.summary[0].startswith("To reach the goal of ") or "reached already" in plan.summary[0]
    )
