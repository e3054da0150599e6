"""Goals on a hand-made workspace whose figures are worked out below by hand.

The organisation: Acme (company) -> East (Boston: Ann, Bob; New York: Cat) and West (Denver:
Dan, and Eve who left). Territories World -> USA -> Massachusetts, New York State, Colorado.
Today is Friday 2026-11-13: 2026-Q4 has 66 selling days, 32 of them elapsed (22 in October,
10 in November up to today).

Last year's Q4 (2025) bookings, by month: October 2,000 (Ann 1,000, Dan 1,000), November
3,000 (Bob 1,000, Cat 2,000), December 5,000 (Ann 2,000, Cat 2,000, Dan 1,000); by rep Ann
3,000, Bob 1,000, Cat 4,000, Dan 2,000; so Boston 4,000, New York 4,000, East 8,000, West
2,000, company 10,000.

This Q4 (2026) to date: Ann 5,000 (Nov 3), Cat 2,000 (Oct 15), Dan 1,500 (Nov 12); Bob's
4,000 closes on Nov 20, after today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import goals, metrics
from dashboard.auth import Viewer
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.goals import MeasureItem, StaleVersion

T = dt.datetime
D = dt.date
TODAY = D(2026, 11, 13)
Q4 = goals.make_period("quarter", D(2026, 10, 1))
ADMIN = Viewer(1, "admin@x", "Alex Admin", "admin")
EXEC = Viewer(2, "exec@x", "Erin Exec", "executive")
MANAGER_EAST = Viewer(3, "east@x", "Mia East", "manager", team_id=2)
MANAGER_DENVER = Viewer(4, "denver@x", "Dora Denver", "manager", team_id=6)
REP_ANN = Viewer(5, "ann@x", "Ann", "rep", rep_id=1)
ANALYST = Viewer(6, "analyst@x", "Ana Analyst", "analyst")
VIEWERS = [ADMIN, EXEC, MANAGER_EAST, MANAGER_DENVER, REP_ANN, ANALYST]

# id, rep, stage, amount, probability, created, closed, expected close, territory, product, account
DEALS = [
    (1, 1, 8, 1000, 100, T(2025, 9, 1), T(2025, 10, 10, 12), None, 3, 1, 1),
    (2, 4, 8, 1000, 100, T(2025, 9, 5), T(2025, 10, 20, 12), None, 5, 2, 3),
    (3, 2, 8, 1000, 100, T(2025, 9, 10), T(2025, 11, 5, 12), None, 3, 1, 1),
    (4, 3, 8, 2000, 100, T(2025, 10, 1), T(2025, 11, 10, 12), None, 4, 2, 2),
    (5, 1, 8, 2000, 100, T(2025, 10, 15), T(2025, 12, 1, 12), None, 3, 2, 1),
    (6, 3, 8, 2000, 100, T(2025, 10, 20), T(2025, 12, 9, 12), None, 4, 1, 2),
    (7, 4, 8, 1000, 100, T(2025, 11, 1), T(2025, 12, 15, 12), None, 5, 1, 3),
    (8, 3, 9, 1500, 0, T(2026, 1, 5), T(2026, 2, 1, 12), None, 4, 1, 2),
    (9, 3, 9, 500, 0, T(2026, 2, 10), T(2026, 3, 1, 12), None, 4, 2, 2),
    (10, 3, 8, 2000, 100, T(2026, 9, 1), T(2026, 10, 15, 12), None, 4, 2, 2),
    (11, 1, 8, 5000, 100, T(2026, 8, 1), T(2026, 11, 3, 12), None, 3, 1, 1),
    (12, 4, 8, 1500, 100, T(2026, 9, 15), T(2026, 11, 12, 12), None, 5, 2, 3),
    (13, 2, 8, 4000, 100, T(2026, 9, 20), T(2026, 11, 20, 12), None, 3, 1, 4),
    (14, 3, 5, 3000, 50, T(2026, 10, 1), None, D(2026, 12, 1), 4, 1, 2),
    (15, 3, 2, 1000, 20, T(2026, 10, 5), None, D(2026, 11, 20), 4, 2, 2),
    (16, 3, 1, 5000, 10, T(2026, 10, 7), None, D(2027, 1, 15), 4, 1, 2),
]
# stages each deal passed through (the won / lost event comes from the deal itself)
STAGE_PATHS = {8: [1, 2, 3], 9: [1], 14: [1, 3, 5], 15: [1, 2], 16: [1]}
# rep, done, occurred
ACTIVITIES = [
    (1, True, T(2026, 10, 10, 9)),
    (1, False, T(2026, 10, 12, 9)),
    (3, True, T(2026, 11, 1, 9)),
    (4, True, T(2026, 11, 20, 9)),
    *[(3, True, T(2025, 10 + month, 3, 9)) for month in range(3)],
    *[(3, True, T(2026, month, 3, 9)) for month in (2, 4, 6)],
    (3, False, T(2026, 5, 3, 9)),
    (3, False, T(2026, 7, 3, 9)),
]


def build_sales(db) -> None:
    """The hand-made workspace described in the module docstring."""
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Acme', null, 'company', null),"
            " (2, 'East', 1, 'region', 3), (3, 'West', 1, 'region', null),"
            " (4, 'Boston', 2, 'team', null), (5, 'New York', 2, 'team', null),"
            " (6, 'Denver', 3, 'team', 4)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id, is_active) values"
            " (1, 'Ann Archer', 4, true), (2, 'Bob Baker', 4, true), (3, 'Cat Cole', 5, true),"
            " (4, 'Dan Drake', 6, true), (5, 'Eve Evans', 6, false)"
        )
        cur.execute(
            "insert into territories (territory_id, territory_name, parent_territory_id,"
            " territory_kind, country_code, subdivision_code) values"
            " (1, 'World', null, 'world', null, null), (2, 'USA', 1, 'country', 'US', null),"
            " (3, 'Massachusetts', 2, 'state', 'US', 'US-MA'),"
            " (4, 'New York State', 2, 'state', 'US', 'US-NY'),"
            " (5, 'Colorado', 2, 'state', 'US', 'US-CO')"
        )
        cur.execute(
            "insert into products (product_id, sku, product_name, product_family, list_price)"
            " values (1, 'W-1', 'Widget', 'Hardware', 100), (2, 'G-1', 'Gadget', 'Software', 200)"
        )
        cur.execute("insert into segments values (1, 'SMB'), (2, 'Enterprise')")
        cur.execute(
            "insert into accounts (account_id, account_name, segment_id, territory_id,"
            " owner_rep_id, created_at) values"
            " (1, 'Alpha', 1, 3, 1, '2026-10-05 10:00'), (2, 'Beta', 2, 4, 3, '2026-11-02 10:00'),"
            " (3, 'Gamma', 1, 5, 4, '2025-06-01 10:00'), (4, 'Delta', 2, 3, 2, '2026-12-20 10:00')"
        )
        for user in VIEWERS:
            cur.execute(
                "insert into users (user_id, email, display_name, role, rep_id, team_id)"
                " values ($id, $email, $name, $role, $rep, $team)",
                {
                    "id": user.user_id,
                    "email": user.email,
                    "name": user.display_name,
                    "role": user.role,
                    "rep": user.rep_id,
                    "team": user.team_id,
                },
            )
        for deal in DEALS:
            (deal_id, rep, stage, amount, probability, created, closed, due, territory,
             product, account) = deal  # fmt: skip
            cur.execute(
                "insert into opportunities (opportunity_id, opportunity_name, account_id,"
                " owner_rep_id, product_id, territory_id, stage_id, amount, amount_rc,"
                " probability, expected_close_date, created_at, closed_at) values ($id,"
                " 'Deal ' || $id, $account, $rep, $product, $territory, $stage, $amount, $amount,"
                " $probability, coalesce($due, $closed::date), $created, $closed)",
                {
                    "id": deal_id,
                    "account": account,
                    "rep": rep,
                    "product": product,
                    "territory": territory,
                    "stage": stage,
                    "amount": amount,
                    "probability": probability,
                    "due": due,
                    "created": created,
                    "closed": closed,
                },
            )
            path = STAGE_PATHS.get(deal_id, [1])
            events = [
                (created + dt.timedelta(days=step), stage_id) for step, stage_id in enumerate(path)
            ]
            if closed is not None:
                events.append((closed, stage))
            for at, stage_id in events:
                cur.execute(
                    "insert into opportunity_events (opportunity_id, occurred_at, origin,"
                    " event_type, stage_id, amount_rc, probability, owner_rep_id,"
                    " forecast_category) values ($id, $at, 'demo', 'stage_changed', $stage,"
                    " $amount, 10, $rep, 'pipeline')",
                    {"id": deal_id, "at": at, "stage": stage_id, "amount": amount, "rep": rep},
                )
        for rep, done, occurred in ACTIVITIES:
            cur.execute(
                "insert into activities (rep_id, activity_type, occurred_at, is_done)"
                " values ($rep, 'call', $at, $done)",
                {"rep": rep, "at": occurred, "done": done},
            )


@pytest.fixture
def sales(db):
    build_sales(db)
    return db


def set_goal(db, viewer, kind, scope_id, target, period=Q4, metric="bookings", **kwargs):
    with db.transaction() as cur:
        return goals.set_goal(cur, viewer, kind, scope_id, period, metric, target, **kwargs)


def records(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """Rows of some columns as plain lists, missing values as None."""
    return [
        [None if pd.isna(value) else value for value in row]
        for row in frame[columns].astype(object).itertuples(index=False)
    ]


def count_goals(db) -> int:
    with db.reading() as cur:
        return cur.execute("select count(*) from goals").fetchone()[0]


# ------------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "fiscal_start", "kind", "start", "end", "label"),
    [
        ("2027-Q1", 1, "quarter", D(2027, 1, 1), D(2027, 4, 1), "2027-Q1"),
        ("2027q3", 1, "quarter", D(2027, 7, 1), D(2027, 10, 1), "2027-Q3"),
        ("Q2 2027", 1, "quarter", D(2027, 4, 1), D(2027, 7, 1), "2027-Q2"),
        ("2027-03", 1, "month", D(2027, 3, 1), D(2027, 4, 1), "2027-03"),
        ("2027-3", 1, "month", D(2027, 3, 1), D(2027, 4, 1), "2027-03"),
        ("2027", 1, "year", D(2027, 1, 1), D(2028, 1, 1), "2027"),
        ("FY2027", 1, "year", D(2027, 1, 1), D(2028, 1, 1), "2027"),
        ("FY2027", 4, "year", D(2026, 4, 1), D(2027, 4, 1), "FY2027"),
        ("fy 2027", 7, "year", D(2026, 7, 1), D(2027, 7, 1), "FY2027"),
        ("FY2027-Q1", 4, "quarter", D(2026, 4, 1), D(2026, 7, 1), "2026-Q2"),
        ("FY2027-Q4", 2, "quarter", D(2026, 11, 1), D(2027, 2, 1), "FY2027-Q4"),
        ("2027", 4, "year", D(2027, 1, 1), D(2028, 1, 1), "2027"),
    ],
)
def test_periods_parse_in_every_format(text, fiscal_start, kind, start, end, label) -> None:
    period = goals.parse_period(text, fiscal_start)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize("text", ["2027-13", "2027-Q5", "27-Q1", "FY", "", "next year", "2027-00"])
def test_a_period_that_does_not_parse_is_refused_with_the_formats(text) -> None:
    with pytest.raises(ValidationError, match="is not a period; write 2027-Q1"):
        goals.parse_period(text)


def test_periods_around_today_follow_the_fiscal_year() -> None:
    assert [p.label for p in goals.list_periods("quarter", TODAY, 1, 1, 1)] == [
        "2026-Q3",
        "2026-Q4",
        "2027-Q1",
    ]
    fiscal_february = goals.list_periods("quarter", TODAY, 2, 1, 0)
    assert [(p.start, p.label) for p in fiscal_february] == [
        (D(2026, 8, 1), "FY2027-Q3"),
        (D(2026, 11, 1), "FY2027-Q4"),
    ]
    assert goals.period_containing("year", TODAY, 4).label == "FY2027"
    assert goals.period_containing("year", D(2026, 3, 31), 4).label == "FY2026"
    with pytest.raises(ValidationError, match="A quarter starts"):
        goals.make_period("quarter", D(2027, 2, 1), 1)


def test_selling_days_and_the_run_rate_projection() -> None:
    assert Q4.selling_days == 66  # October 22, November 21, December 23
    figures = goals.attainment_figures(Decimal("10000"), Decimal("3200"), Q4, TODAY)
    assert figures["selling_days_elapsed"] == 32
    assert figures["attainment"] == pytest.approx(0.32)
    assert figures["projection"] == pytest.approx(3200 / 32 * 66)  # 6,600
    assert figures["projected_attainment"] == pytest.approx(0.66)
    before = goals.attainment_figures(100, 0, Q4, D(2026, 9, 30))
    assert before["projection"] is None and before["selling_days_elapsed"] == 0
    after = goals.attainment_figures(100, 150, Q4, D(2027, 2, 1))
    assert after["projection"] == 150 and after["attainment"] == 1.5


# -------------------------------------------------------------------------------- actuals


END_OF_TODAY = T(2026, 11, 14)


def measure(db, viewer, *items, as_of=END_OF_TODAY):
    with db.reading() as cur:
        return [float(value) for value in goals.measure_actuals(cur, viewer, list(items), as_of)]


def test_actuals_per_metric_and_scope_to_date(sales) -> None:
    start, end = Q4.start, Q4.end
    items = [
        MeasureItem("company", None, "bookings", start, end),
        MeasureItem("team", 2, "bookings", start, end),  # East: Ann 5,000 + Cat 2,000
        MeasureItem("team", 4, "bookings", start, end),  # Boston: Ann (Bob's is after today)
        MeasureItem("rep", 4, "bookings", start, end),
        MeasureItem("territory", 2, "bookings", start, end),  # USA: everything
        MeasureItem("territory", 3, "bookings", start, end),  # Massachusetts: Ann's deal
        MeasureItem("product", 2, "bookings", start, end),  # Cat 2,000 + Dan 1,500
        MeasureItem("segment", 1, "bookings", start, end),  # Alpha + Gamma: 5,000 + 1,500
        MeasureItem("company", None, "won_deals", start, end),
        MeasureItem("company", None, "new_accounts", start, end),  # Alpha, Beta (Delta later)
        MeasureItem("team", 4, "new_accounts", start, end),  # Alpha (Ann)
        MeasureItem("segment", 2, "new_accounts", start, end),  # Beta
        MeasureItem("territory", 3, "new_accounts", start, end),  # Alpha
        MeasureItem("company", None, "activities", start, end),  # 2 done so far
        MeasureItem("rep", 1, "activities", start, end),  # one done, one not
        MeasureItem("product", 1, "activities", start, end),  # none are linked to deals
    ]
    assert measure(sales, ADMIN, *items) == [
        8500, 7000, 5000, 1500, 8500, 5000, 3500, 6500, 3, 2, 1, 1, 1, 2, 1, 0,
    ]  # fmt: skip


def test_actuals_over_the_whole_period_and_last_year(sales) -> None:
    whole = T(2027, 6, 1)
    assert measure(
        sales, ADMIN, MeasureItem("team", 4, "bookings", Q4.start, Q4.end), as_of=whole
    ) == [9000]
    assert measure(
        sales, ADMIN, MeasureItem("company", None, "new_accounts", Q4.start, Q4.end), as_of=whole
    ) == [3]
    last = [
        MeasureItem("rep", rep, "bookings", D(2025, 10, 1), D(2026, 1, 1)) for rep in (1, 2, 3, 4)
    ]
    assert measure(sales, ADMIN, *last) == [3000, 1000, 4000, 2000]


def test_actuals_stay_inside_the_viewers_scope(sales) -> None:
    company = MeasureItem("company", None, "bookings", Q4.start, Q4.end)
    assert measure(sales, MANAGER_EAST, company) == [7000]
    assert measure(sales, MANAGER_DENVER, company) == [1500]
    assert measure(sales, REP_ANN, company) == [5000]


# ---------------------------------------------------------------------------- rounding


def test_largest_remainder_makes_parts_add_up_exactly() -> None:
    assert goals.allocate(Decimal("100"), [1, 1, 1], Decimal("1")) == [34, 33, 33]
    assert goals.allocate(Decimal("100.00"), [1, 1, 1]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    # quotas 3.5, 1.5, 5.0: the two halves tie, the earlier one gets the unit
    assert goals.allocate(Decimal("10"), [7, 3, 10], Decimal("1")) == [4, 1, 5]
    assert goals.allocate(Decimal("12000"), [2000, 3000, 5000]) == [2400, 3600, 6000]
    assert goals.allocate(Decimal("5"), [0, 0], Decimal("1")) == [3, 2]
    assert goals.allocate(Decimal("0"), [1, 2]) == [0, 0]


@pytest.mark.parametrize("seed", range(20))
def test_rounded_parts_always_sum_to_the_parent(seed) -> None:
    import random

    rng = random.Random(seed)
    weights = [rng.choice([0, rng.random() * 1000]) for _ in range(rng.randint(1, 12))]
    total = Decimal(rng.randint(0, 10_000_000)) / 100
    parts = goals.allocate(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)


# ------------------------------------------------------------------------------ splits


def proposal(db, viewer, goal_id, method, sub_kind="month"):
    with db.reading() as cur:
        return goals.propose_split(cur, viewer, goal_id, method, sub_kind, TODAY)


def test_split_evenly_over_the_regions(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 12001)
    split = proposal(sales, ADMIN, company.goal_id, "even")
    assert list(split.frame["child"]) == ["East", "West"]
    assert list(split.frame["target"]) == [6000.5, 6000.5]
    east = set_goal(sales, ADMIN, "team", 2, 10001)
    assert list(proposal(sales, ADMIN, east.goal_id, "even").frame["target"]) == [5000.5, 5000.5]
    won = set_goal(sales, ADMIN, "team", 2, 7, metric="won_deals")
    assert list(proposal(sales, ADMIN, won.goal_id, "even").frame["target"]) == [4, 3]


def test_split_by_last_years_share(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 12000)
    split = proposal(sales, ADMIN, company.goal_id, "last_year")
    assert list(split.frame["basis"]) == [8000, 2000]  # East, West in 2025-Q4
    assert list(split.frame["share"]) == [0.8, 0.2]
    assert list(split.frame["target"]) == [9600, 2400]
    assert split.basis_label == "Bookings in 2025-Q4"
    boston = set_goal(sales, ADMIN, "team", 4, 10000)
    reps = proposal(sales, ADMIN, boston.goal_id, "last_year").frame
    assert list(reps["child"]) == ["Ann Archer", "Bob Baker"]  # a lowest-level team: its reps
    assert list(reps["target"]) == [7500, 2500]
    denver = set_goal(sales, ADMIN, "team", 6, 1000)
    assert list(proposal(sales, ADMIN, denver.goal_id, "last_year").frame["child"]) == [
        "Dan Drake"  # Eve left
    ]


def test_split_by_seasonality_over_months_and_quarters(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 12000)
    split = proposal(sales, ADMIN, company.goal_id, "seasonality")
    assert list(split.frame["child"]) == ["2026-10", "2026-11", "2026-12"]
    assert list(split.frame["basis"]) == [2000, 3000, 5000]
    assert list(split.frame["target"]) == [2400, 3600, 6000]
    year = set_goal(
        sales, ADMIN, "company", None, 1000, period=goals.make_period("year", D(2026, 1, 1))
    )
    quarters = proposal(sales, ADMIN, year.goal_id, "seasonality", "quarter").frame
    assert list(quarters["child"]) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(quarters["target"]) == [0, 0, 0, 1000]  # 2025 booked only in Q4


def test_split_by_territory_and_a_note_when_last_year_is_empty(sales) -> None:
    usa = set_goal(sales, ADMIN, "territory", 2, 9000)
    split = proposal(sales, ADMIN, usa.goal_id, "last_year")
    assert list(split.frame["child"]) == ["Massachusetts", "New York State", "Colorado"]
    assert list(split.frame["target"]) == [3600, 3600, 1800]  # 4,000 : 4,000 : 2,000
    future = set_goal(
        sales, ADMIN, "territory", 2, 100, period=goals.make_period("quarter", D(2028, 1, 1))
    )
    empty = proposal(sales, ADMIN, future.goal_id, "last_year")
    assert "split evenly" in empty.note
    assert list(empty.frame["target"]) == [33.34, 33.33, 33.33]


def test_a_scope_without_children_can_only_be_split_over_time(sales) -> None:
    rep = set_goal(sales, ADMIN, "rep", 1, 900)
    with pytest.raises(ValidationError, match="nothing below it"):
        proposal(sales, ADMIN, rep.goal_id, "even")
    month = set_goal(sales, ADMIN, "rep", 1, 900, period=goals.make_period("month", D(2026, 11, 1)))
    with pytest.raises(ValidationError, match="cannot be split over months"):
        proposal(sales, ADMIN, month.goal_id, "seasonality")


def save(db, viewer, goal_id, frame, on_mismatch="block", parent_version=1):
    with db.transaction() as cur:
        return goals.save_split(cur, viewer, goal_id, parent_version, frame, on_mismatch)


def get(db, goal_id, viewer=ADMIN):
    with db.reading() as cur:
        return goals.get_goal(cur, goal_id, viewer)


def test_a_split_that_adds_up_creates_linked_children(sales) -> None:
    east = set_goal(sales, MANAGER_EAST, "team", 2, 10000)
    frame = proposal(sales, MANAGER_EAST, east.goal_id, "last_year").frame
    result = save(sales, MANAGER_EAST, east.goal_id, frame)
    assert (result.created, result.updated, result.warning) == (2, 0, None)
    parent = get(sales, east.goal_id)
    assert parent.children == 2 and parent.children_total == Decimal("10000.00")
    with sales.reading() as cur:
        rows = cur.execute(
            "select scope_id, target, parent_goal_id, created_by from goals"
            " where scope_kind = 'team' and scope_id in (4, 5) order by scope_id"
        ).fetchall()
    assert rows == [
        (4, Decimal("5000.00"), east.goal_id, 3),
        (5, Decimal("5000.00"), east.goal_id, 3),
    ]


def test_a_split_that_does_not_add_up_is_blocked_and_changes_nothing(sales) -> None:
    east = set_goal(sales, ADMIN, "team", 2, 10000)
    frame = proposal(sales, ADMIN, east.goal_id, "even").frame
    frame.loc[0, "target"] = 4000
    before = count_goals(sales)
    with pytest.raises(ValidationError) as refused:
        save(sales, ADMIN, east.goal_id, frame, "block")
    assert "Does not add up: the children total $9,000, $1,000 short of the goal of $10,000" in str(
        refused.value
    )
    assert "Nothing was saved" in str(refused.value)
    assert count_goals(sales) == before


def test_a_kept_mismatch_leaves_a_visible_warning_until_a_split_adds_up(sales) -> None:
    east = set_goal(sales, ADMIN, "team", 2, 10000)
    frame = proposal(sales, ADMIN, east.goal_id, "even").frame
    frame.loc[1, "target"] = 6500
    result = save(sales, ADMIN, east.goal_id, frame, "keep")
    assert result.check.difference == Decimal("1500")
    assert result.warning.startswith(
        "Does not add up: the children total $11,500, $1,500 more than"
    )
    assert "Kept by Alex Admin" in result.warning
    with sales.reading() as cur:
        table = goals.load_goals(cur, ADMIN, Q4, metric="bookings", today=TODAY)
    row = table[table["goal_id"] == east.goal_id].iloc[0]
    assert row["split_warning"] == result.warning
    assert (row["children_total"], row["difference"], row["adds_up"]) == (11500, 1500, False)
    fixed = proposal(sales, ADMIN, east.goal_id, "even").frame  # children now exist, versions 1
    assert list(fixed["current_target"]) == [5000, 6500]
    again = save(sales, ADMIN, east.goal_id, fixed, "block")
    assert (again.updated, again.unchanged, again.warning) == (1, 1, None)
    assert get(sales, east.goal_id).split_warning is None


def test_a_split_needs_a_target_for_every_child(sales) -> None:
    east = set_goal(sales, ADMIN, "team", 2, 10000)
    frame = proposal(sales, ADMIN, east.goal_id, "even").frame
    frame.loc[1, "target"] = None
    frame.loc[0, "target"] = -5
    with pytest.raises(ValidationError) as refused:
        save(sales, ADMIN, east.goal_id, frame, "keep")
    assert "row 1 (Boston): A target cannot be negative (-$5)" in str(refused.value)
    assert "row 2 (New York): A target is needed" in str(refused.value)


def test_a_split_on_a_stale_parent_or_child_is_refused(sales) -> None:
    east = set_goal(sales, ADMIN, "team", 2, 10000)
    frame = proposal(sales, ADMIN, east.goal_id, "even").frame
    with sales.transaction() as cur:
        goals.edit_goal(cur, EXEC, east.goal_id, 12000, expected_version=1)
    with pytest.raises(StaleVersion, match="it is now \\$12,000 \\(version 2 by Erin Exec"):
        save(sales, ADMIN, east.goal_id, frame, parent_version=1)
    save(
        sales,
        ADMIN,
        east.goal_id,
        proposal(sales, ADMIN, east.goal_id, "even").frame,
        parent_version=2,
    )
    stale = proposal(sales, ADMIN, east.goal_id, "even").frame  # children at version 1
    boston = int(stale.loc[0, "goal_id"])
    with sales.transaction() as cur:
        goals.edit_goal(cur, MANAGER_EAST, boston, 7000, expected_version=1)
    stale.loc[0, "target"], stale.loc[1, "target"] = 6000, 6000
    before = get(sales, int(stale.loc[1, "goal_id"])).target
    with pytest.raises(StaleVersion, match="Someone saved the goal for Boston"):
        save(sales, ADMIN, east.goal_id, stale, parent_version=2)
    assert get(sales, int(stale.loc[1, "goal_id"])).target == before  # nothing changed


# ---------------------------------------------------------------------------- versions


def test_every_change_keeps_who_when_old_and_new(sales) -> None:
    created = set_goal(sales, MANAGER_EAST, "rep", 3, 4000, now=T(2026, 11, 1, 9))
    assert (created.action, created.version) == ("created", 1)
    with sales.transaction() as cur:
        changed = goals.edit_goal(
            cur, EXEC, created.goal_id, "4,500", expected_version=1, note="bigger account",
            now=T(2026, 11, 2, 10),
        )  # fmt: skip
    assert (changed.action, changed.version, changed.old_target) == (
        "updated",
        2,
        Decimal("4000.00"),
    )
    with sales.reading() as cur:
        history = goals.load_goal_history(cur, ADMIN, [created.goal_id])
        audit = cur.execute("select action, user_id from audit_log order by audit_id").fetchall()
    columns = ["version", "change_kind", "old_target", "new_target", "changed_by_name"]
    assert records(history, columns) == [
        [2, "edited", 4000.0, 4500.0, "Erin Exec"],
        [1, "created", None, 4000.0, "Mia East"],
    ]
    assert history["note"].iloc[0] == "bigger account"
    assert list(history["changed_at"]) == [
        pd.Timestamp(T(2026, 11, 2, 10)),
        pd.Timestamp(T(2026, 11, 1, 9)),
    ]
    assert audit == [("create", 3), ("edited", 2)]
    assert get(sales, created.goal_id).target == Decimal("4500.00")


def test_goals_from_before_versions_get_their_first_version_from_the_row(sales) -> None:
    with sales.transaction() as cur:
        cur.execute(
            "insert into goals (goal_id, period_kind, period_start, period_end, scope_kind,"
            " scope_id, metric, target) values (90, 'quarter', '2026-10-01', '2027-01-01', 'rep',"
            " 2, 'bookings', 800)"
        )
        goals.edit_goal(cur, ADMIN, 90, 900, expected_version=1)
    with sales.reading() as cur:
        history = goals.load_goal_history(cur, ADMIN, [90])
    assert records(history, ["version", "old_target", "new_target"]) == [
        [2, 800.0, 900.0],
        [1, None, 800.0],
    ]


def test_a_stale_edit_is_refused_with_the_current_value(sales) -> None:
    goal = set_goal(sales, ADMIN, "team", 4, 5000)
    with sales.transaction() as cur:
        goals.edit_goal(cur, MANAGER_EAST, goal.goal_id, 6000, expected_version=1)
    with pytest.raises(StaleVersion) as stale, sales.transaction() as cur:
        goals.edit_goal(cur, EXEC, goal.goal_id, 7000, expected_version=1)
    message = str(stale.value)
    assert (
        "Someone saved this goal (Boston · 2026-Q4 · Bookings) meanwhile: it is now $6,000"
        in message
    )
    assert "version 2 by Mia East" in message and "Nothing was changed" in message
    assert get(sales, goal.goal_id).target == Decimal("6000.00")


def test_setting_a_goal_that_exists_needs_its_version(sales) -> None:
    set_goal(sales, ADMIN, "team", 4, 5000)
    with pytest.raises(StaleVersion, match="exists already: \\$5,000 \\(version 1\\)"):
        set_goal(sales, ADMIN, "team", 4, 9000)
    assert set_goal(sales, ADMIN, "team", 4, 9000, expected_version=1).version == 2
    assert set_goal(sales, ADMIN, "team", 4, 9000, expected_version=2).action == "unchanged"


def test_a_new_goal_links_to_the_goal_of_the_scope_above(sales) -> None:
    east = set_goal(sales, ADMIN, "team", 2, 10000)
    boston = set_goal(sales, ADMIN, "team", 4, 5000)
    ann = set_goal(sales, ADMIN, "rep", 1, 2000)
    assert get(sales, boston.goal_id).parent_goal_id == east.goal_id
    assert get(sales, ann.goal_id).parent_goal_id == boston.goal_id
    assert get(sales, east.goal_id).parent_goal_id is None  # no company goal yet


# ------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("viewer", "kind", "scope_id", "allowed"),
    [
        (MANAGER_EAST, "team", 2, True),  # their own team
        (MANAGER_EAST, "team", 5, True),  # a team below it
        (MANAGER_EAST, "rep", 1, True),  # a rep of a team below it
        (MANAGER_EAST, "team", 6, False),
        (MANAGER_EAST, "rep", 4, False),
        (MANAGER_EAST, "company", None, False),
        (MANAGER_EAST, "territory", 3, False),
        (MANAGER_DENVER, "rep", 4, True),
        (MANAGER_DENVER, "team", 3, False),  # the region above Denver
        (EXEC, "company", None, True),
        (ADMIN, "segment", 1, True),
    ],
)
def test_managers_set_goals_only_inside_their_subtree(
    sales, viewer, kind, scope_id, allowed
) -> None:
    if allowed:
        assert set_goal(sales, viewer, kind, scope_id, 100).action == "created"
    else:
        with pytest.raises(PermissionDenied, match="only for your team, the teams below it"):
            set_goal(sales, viewer, kind, scope_id, 100)
        assert count_goals(sales) == 0


@pytest.mark.parametrize("viewer", [REP_ANN, ANALYST])
def test_reps_and_analysts_may_not_edit(sales, viewer) -> None:
    role = "Sales rep" if viewer.role == "rep" else "Analyst"
    with pytest.raises(PermissionDenied, match=f"The {role} role can view goals but not set them"):
        set_goal(sales, viewer, "rep", 1, 100)
    goal = set_goal(sales, ADMIN, "rep", 1, 100)
    with pytest.raises((PermissionDenied, NotFoundError)), sales.transaction() as cur:
        goals.edit_goal(cur, viewer, goal.goal_id, 200, expected_version=1)
    with pytest.raises((PermissionDenied, NotFoundError)), sales.transaction() as cur:
        goals.save_split(cur, viewer, goal.goal_id, 1, pd.DataFrame({"target": [1]}), "keep")


def test_a_manager_cannot_split_a_goal_above_them(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 10000)
    frame = proposal(sales, ADMIN, company.goal_id, "even").frame
    with pytest.raises((PermissionDenied, NotFoundError)):
        save(sales, MANAGER_EAST, company.goal_id, frame)


def test_each_role_sees_its_own_goals(sales) -> None:
    for kind, scope_id in [
        ("company", None),
        ("team", 2),
        ("team", 4),
        ("team", 6),
        ("rep", 1),
        ("rep", 4),
    ]:
        set_goal(sales, ADMIN, kind, scope_id, 1000)
    with sales.reading() as cur:
        seen = {
            viewer.email: sorted(
                (row.scope_kind, row.scope)
                for row in goals.load_goals(cur, viewer, Q4, today=TODAY).itertuples()
            )
            for viewer in (ADMIN, MANAGER_EAST, MANAGER_DENVER, REP_ANN, ANALYST)
        }
        with pytest.raises(NotFoundError):
            goals.get_goal(cur, 1, REP_ANN)  # the company goal
    assert len(seen["admin@x"]) == 6 and seen["analyst@x"] == seen["admin@x"]
    assert seen["east@x"] == [("rep", "Ann Archer"), ("team", "Boston"), ("team", "East")]
    assert seen["denver@x"] == [("rep", "Dan Drake"), ("team", "Denver")]
    assert seen["ann@x"] == [("rep", "Ann Archer")]


# -------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kind", "scope_id", "metric", "target", "message"),
    [
        ("team", 99, "bookings", 100, "There is no team with id 99"),
        ("planet", 1, "bookings", 100, "'planet' is not a kind of scope"),
        ("team", None, "bookings", 100, "Choose which team"),
        ("team", 4, "revenue", 100, "'revenue' is not a metric"),
        ("team", 4, "bookings", -1, "A target cannot be negative"),
        ("team", 4, "bookings", "lots", "The target 'lots' is not a number"),
        ("team", 4, "bookings", "10.005", "more than two decimals"),
        ("team", 4, "won_deals", 2.5, "Won deals are counted in whole numbers"),
        ("product", 1, "new_accounts", 5, "New accounts cannot be measured per product"),
    ],
)
def test_bad_goals_are_refused_and_explained(
    sales, kind, scope_id, metric, target, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        set_goal(sales, ADMIN, kind, scope_id, target, metric=metric)
    assert count_goals(sales) == 0


# ------------------------------------------------------------------------ attainment


def test_goals_carry_attainment_projection_and_the_childrens_sum(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 20000)
    save(sales, ADMIN, company.goal_id, proposal(sales, ADMIN, company.goal_id, "last_year").frame)
    with sales.reading() as cur:
        table = goals.load_goals(cur, ADMIN, Q4, metric="bookings", today=TODAY)
    assert list(table["scope"]) == ["Company", "East", "West"]
    assert list(table["target"]) == [20000, 16000, 4000]
    assert list(table["actual"]) == [8500, 7000, 1500]
    assert list(table["attainment"]) == pytest.approx([0.425, 0.4375, 0.375])
    assert list(table["projection"]) == pytest.approx(
        [8500 / 32 * 66, 7000 / 32 * 66, 1500 / 32 * 66]
    )
    assert table["children_total"].iloc[0] == 20000 and table["adds_up"].iloc[0]
    assert table["adds_up"].iloc[1] is None  # no children


def test_fiscal_year_start_is_a_setting_only_an_admin_changes(sales) -> None:
    with sales.reading() as cur:
        assert goals.fiscal_year_start(cur) == 1
    with pytest.raises(PermissionDenied), sales.transaction() as cur:
        goals.set_fiscal_year_start(cur, EXEC, 4)
    with pytest.raises(ValidationError, match="from 1 to 12"), sales.transaction() as cur:
        goals.set_fiscal_year_start(cur, ADMIN, 13)
    with sales.transaction() as cur:
        goals.set_fiscal_year_start(cur, ADMIN, 4)
    with sales.reading() as cur:
        assert goals.fiscal_year_start(cur) == 4
        assert goals.check_goal_import(
            cur, ADMIN, "scope,period,metric,target\ncompany,FY2027,bookings,1\n"
        )["period_start"].iloc[0] == D(2026, 4, 1)


# ---------------------------------------------------------------------------- import


GOOD_CSV = (
    "scope,period,metric,target\n"
    "team:Boston,2026-Q4,bookings,1500000\n"
    'team:5,2026-Q4,bookings,"1,000,000"\n'
    "rep:Ann Archer,2026-11,won_deals,6\n"
    "company,FY2026,new_accounts,40\n"
    "product:W-1,2026-Q4,bookings,250000.50\n"
    "segment:enterprise,2026,activities,300\n"
    "territory:Colorado,2026-Q4,bookings,0\n"
)
BAD_CSV = (
    "scope,period,metric,target\n"
    "team:Boston,2026-Q4,bookings,1500000\n"
    "team:Nowhere,2026-Q4,bookings,5\n"
    "rep:1,2026-13,bookings,5\n"
    "segment:SMB,2026-Q4,revenue,10\n"
    "team:Boston,2026-Q3,bookings,-4\n"
    "team:Boston,2026-Q4,bookings,2\n"
    "planet:Mars,2026-Q4,bookings,1\n"
)


def import_csv(db, viewer, text, **kwargs):
    with db.transaction() as cur:
        return goals.import_goals(cur, viewer, text, **kwargs)


def test_a_good_file_creates_and_updates_goals(sales) -> None:
    set_goal(sales, ADMIN, "team", 4, 1000)
    result = import_csv(sales, ADMIN, GOOD_CSV.encode("utf-8-sig"))
    assert (result.rows, result.good, result.bad, result.created, result.updated) == (7, 7, 0, 6, 1)
    with sales.reading() as cur:
        boston = goals.find_goal(cur, "team", 4, Q4, "bookings")
        history = goals.load_goal_history(cur, ADMIN, [boston.goal_id])
        ny = goals.find_goal(cur, "team", 5, Q4, "bookings")
        fiscal = goals.find_goal(
            cur, "company", None, goals.make_period("year", D(2026, 1, 1)), "new_accounts"
        )
        product = goals.find_goal(cur, "product", 1, Q4, "bookings")
    assert (boston.target, boston.version) == (Decimal("1500000.00"), 2)
    assert (
        history["change_kind"].iloc[0] == "imported"
        and history["note"].iloc[0] == "imported (row 2)"
    )
    assert ny.target == Decimal("1000000.00") and fiscal.target == 40
    assert product.target == Decimal("250000.50")
    again = import_csv(sales, ADMIN, GOOD_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_a_file_with_bad_rows_saves_nothing_and_names_every_row(sales) -> None:
    with pytest.raises(goals.ImportRefused) as refused:
        import_csv(sales, ADMIN, BAD_CSV)
    assert refused.value.problems == [
        (3, "there is no team called 'Nowhere'"),
        (4, "'2026-13' is not a period; write 2027-Q1 (quarter), 2027-03 (month), 2027 (year), "
            "FY2027 or FY2027-Q1 (fiscal)"),
        (5, "metric 'revenue' is unknown; use one of bookings, won_deals, new_accounts, activities"),
        (6, "a target cannot be negative (-$4)"),
        (7, "sets the same goal as row 2"),
        (8, "scope 'planet:Mars' does not start with a kind of scope (company, team, rep, "
            "territory, product, segment), like team:Northeast"),
    ]  # fmt: skip
    assert str(refused.value).startswith("6 of 7 rows are refused, so nothing was saved: row 3:")
    assert count_goals(sales) == 0


def test_only_the_good_rows_are_saved_when_asked(sales) -> None:
    dry = import_csv(sales, ADMIN, BAD_CSV, dry_run=True)
    assert (dry.good, dry.bad, dry.created, dry.saved) == (1, 6, 1, False)
    assert count_goals(sales) == 0
    result = import_csv(sales, ADMIN, BAD_CSV, good_only=True)
    assert (result.created, result.bad, result.saved) == (1, 6, True)
    assert count_goals(sales) == 1


def test_an_import_checks_permission_row_by_row(sales) -> None:
    text = "scope,period,metric,target\nteam:Boston,2026-Q4,bookings,10\nteam:Denver,2026-Q4,bookings,10\n"
    with pytest.raises(goals.ImportRefused) as refused:
        import_csv(sales, MANAGER_EAST, text)
    assert refused.value.problems[0][0] == 3
    assert "team Denver is outside your team" in refused.value.problems[0][1]
    with pytest.raises(goals.ImportRefused, match="can view goals but not set them"):
        import_csv(sales, REP_ANN, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("scope,period,target\nteam:Boston,2026-Q4,1\n", "missing: metric"),
        ("scope,period,metric,target\n", "a header but no rows"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_files_that_are_not_goal_files_are_refused(sales, text, message) -> None:
    with pytest.raises(ValidationError, match=message):
        import_csv(sales, ADMIN, text)


def test_scopes_are_found_by_name_code_or_id_and_ambiguity_is_explained(sales) -> None:
    with sales.transaction() as cur:
        cur.execute("insert into reps (rep_id, full_name, team_id) values (6, 'Ann Archer', 5)")
    with sales.reading() as cur:
        scopes = goals.load_scopes(cur)
    assert goals.resolve_scope(scopes, "product:g-1")["scope_id"] == 2
    assert goals.resolve_scope(scopes, "Team: new york")["scope_id"] == 5
    assert goals.resolve_scope(scopes, "territory:US-CO")["scope_id"] == 5
    assert goals.resolve_scope(scopes, "rep:6")["scope_name"] == "Ann Archer"
    with pytest.raises(ValidationError, match="2 reps are called 'Ann Archer' \\(ids 1, 6\\)"):
        goals.resolve_scope(scopes, "rep:Ann Archer")
    with pytest.raises(ValidationError, match="names no team"):
        goals.resolve_scope(scopes, "team:")


def test_semicolon_files_are_read_too(sales) -> None:
    result = import_csv(
        sales, ADMIN, "scope;period;metric;target\nteam:Boston;2026-Q4;bookings;12\n"
    )
    assert result.created == 1


# -------------------------------------------------------------------------- the demo


def test_the_demo_goals_add_up_and_measure_like_the_kpis(demo_db, demo_viewers) -> None:
    today = dt.date.today()
    last_quarter = goals.period_containing("quarter", today).shifted_years(0)
    last_quarter = goals.make_period("quarter", goals._add_months(last_quarter.start, -3))
    admin = demo_viewers["admin"]
    with demo_db.reading() as cur:
        table = goals.load_goals(cur, admin, last_quarter, metric="bookings", today=today)
        kpis = metrics.compute_kpis(
            cur, admin, metrics.Period(last_quarter.start, last_quarter.end), today=today
        )
        manager_table = goals.load_goals(cur, demo_viewers["manager"], last_quarter, today=today)
    company = table[table["scope_kind"] == "company"].iloc[0]
    assert company["actual"] == pytest.approx(kpis["bookings"])
    assert company["children"] == 3
    parents = table[table["children"] > 0]
    assert len(parents) == 1 + 3 + 9  # company, regions, teams
    assert parents["adds_up"].all()
    reps = table[table["scope_kind"] == "rep"]
    assert reps["actual"].sum() == pytest.approx(kpis["bookings"])
    assert len(manager_table) == 1 + 3 + 23  # their region, its three teams and their reps


# ------------------------------------------------------------------------ command line


def test_the_command_line_imports_and_lists_goals(tmp_path, capsys) -> None:
    import json

    from dashboard import cli
    from dashboard.db import Database, migrate

    path = tmp_path / "goals.duckdb"
    database = Database(str(path))
    migrate(database)
    build_sales(database)
    database.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    assert cli.main(["goals", "import", str(bad), "--db", str(path), "--json"]) == 2
    refused = capsys.readouterr()
    summary = json.loads(refused.out)
    assert (summary["rows"], summary["good"], summary["bad"], summary["saved"]) == (7, 1, 6, False)
    assert summary["errors"][0] == {"row": 3, "reason": "there is no team called 'Nowhere'"}
    assert refused.err.startswith("error: 6 of 7 rows are refused, so nothing was saved")
    assert cli.main(["goals", "import", str(bad), "--db", str(path), "--dry-run", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["dry_run"] is True
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    assert cli.main(["goals", "import", str(good), "--db", str(path), "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert (imported["created"], imported["saved"], imported["errors"]) == (7, True, [])
    assert cli.main(["goals", "list", "--db", str(path), "--period", "2026-Q4", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    boston = next(goal for goal in listed if goal["scope"] == "Boston")
    assert (boston["period"], boston["metric"], boston["target"]) == (
        "2026-Q4",
        "bookings",
        1500000,
    )
    assert boston["scope_id"] == 4 and boston["actual"] >= 5000
    assert {goal["period"] for goal in listed} == {"2026-Q4", "2026-11"}
    assert cli.main(["goals", "list", "--db", str(path), "--period", "soon", "--json"]) == 2
    assert "'soon' is not a period" in capsys.readouterr().err
    assert cli.main(["goals", "import", str(tmp_path / "missing.csv"), "--db", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


# ------------------------------------------------------------------------------ charts


def test_chart_builders_draw_what_they_are_given() -> None:
    from dashboard.ui import charts_goals

    frame = pd.DataFrame(
        {
            "scope": ["East", "West"],
            "period": ["2026-Q4", "2026-Q4"],
            "attainment": [0.5, 1.2],
            "projected_attainment": [0.9, 1.4],
            "actual": [500.0, 1200.0],
            "target": [1000.0, 1000.0],
            "projection": [900.0, 1400.0],
        }
    )
    figure = charts_goals.goal_attainment_chart(frame)
    assert list(figure.data[0].x) == [0.5, 1.2]
    assert figure.data[0].marker.color == ("#f59e0b", "#16a34a")  # 90% projected: amber
    split = charts_goals.split_chart(
        pd.DataFrame({"child": ["A", "B"], "basis": [1.0, 3.0], "target": [250.0, 700.0]}), 1000
    )
    assert split.layout.title.text == "Split: children total $950 of $1,000"
    funnel = charts_goals.capacity_funnel_chart(
        pd.DataFrame({"stage_name": ["Open", "Won"], "deals_needed": [10, 4]})
    )
    assert list(funnel.data[0].x) == [10, 4]
    by_product = pd.DataFrame(
        {
            "product_name": ["Widget", "Gadget"],
            "month_start": pd.to_datetime(["2026-11-01", "2026-11-01"]),
            "pipeline_expected": [100.0, 50.0],
        }
    )
    totals = pd.DataFrame(
        {
            "month_start": pd.to_datetime(["2026-11-01"]),
            "last_year": [120.0],
            "trailing_average": [90.0],
            "capacity": [140.0],
        }
    )
    demand = charts_goals.demand_chart(by_product, totals, "Capacity of 3 reps")
    assert [trace.name for trace in demand.data] == [
        "Widget",
        "Gadget",
        "Same month last year",
        "Trailing 12-month average",
        "Capacity of 3 reps",
    ]


def test_history_and_scope_lists_follow_the_viewer(sales) -> None:
    company = set_goal(sales, ADMIN, "company", None, 1000)
    ann = set_goal(sales, ADMIN, "rep", 1, 100)
    with sales.reading() as cur:
        assert goals.load_goal_history(cur, REP_ANN, [company.goal_id, ann.goal_id])[
            "goal_id"
        ].tolist() == [ann.goal_id]
        editable = goals.editable_scopes(cur, MANAGER_EAST)
        viewable = goals.viewable_scopes(cur, REP_ANN)
        assert goals.editable_scopes(cur, ANALYST).empty
        assert len(goals.editable_scopes(cur, EXEC)) == len(goals.load_scopes(cur))
        scopes = goals.load_scopes(cur)
    assert sorted(zip(editable["scope_kind"], editable["scope_name"], strict=True)) == [
        ("rep", "Ann Archer"),
        ("rep", "Bob Baker"),
        ("rep", "Cat Cole"),
        ("team", "Boston"),
        ("team", "East"),
        ("team", "New York"),
    ]
    assert list(zip(viewable["scope_kind"], viewable["scope_id"], strict=True)) == [("rep", 1)]
    assert goals.can_split(scopes, "company", None, "quarter", "even")
    assert goals.can_split(scopes, "territory", 2, "quarter", "last_year")
    assert not goals.can_split(scopes, "rep", 1, "quarter", "even")
    assert not goals.can_split(scopes, "product", 1, "year", "last_year")
    assert goals.can_split(scopes, "rep", 1, "year", "seasonality")
    assert not goals.can_split(scopes, "rep", 1, "month", "seasonality")


def test_a_stored_period_that_does_not_line_up_keeps_its_dates() -> None:
    odd = goals.stored_period("quarter", D(2026, 2, 15), D(2026, 5, 15))
    assert (odd.start, odd.end, odd.label) == (
        D(2026, 2, 15),
        D(2026, 5, 15),
        "2026-02-15 to 2026-05-14",
    )
    assert goals.stored_period("quarter", D(2026, 10, 1), D(2027, 1, 1)).label == "2026-Q4"
