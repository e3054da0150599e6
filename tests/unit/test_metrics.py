"""KPIs on a hand-made workspace whose figures are worked out below by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import metrics
from dashboard.auth import Viewer
from dashboard.errors import ValidationError

T = dt.datetime
ADMIN = Viewer(1, "admin@x", "Admin", "admin")
REP_ONE = Viewer(2, "one@x", "Rep One", "rep", rep_id=1)
MANAGER_A = Viewer(3, "a@x", "Manager A", "manager", team_id=2)
MANAGER_ALL = Viewer(4, "all@x", "Manager all", "manager", team_id=1)
TODAY = dt.date(2026, 11, 25)
Q1 = metrics.Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))

# deal id, rep, stage now, amount now, probability now, created, closed,
# events: (at, type, stage, amount, probability)
DEALS = [
    (
        1,
        1,
        8,
        1000,
        100,
        T(2026, 1, 10, 9),
        T(2026, 2, 9, 15),
        [(T(2026, 1, 10, 9), "created", 1, 1000, 10), (T(2026, 2, 9, 15), "won", 8, 1000, 100)],
    ),
    (
        2,
        1,
        8,
        3000,
        100,
        T(2026, 1, 1, 9),
        T(2026, 3, 31, 23),
        [(T(2026, 1, 1, 9), "created", 1, 3000, 10), (T(2026, 3, 31, 23), "won", 8, 3000, 100)],
    ),
    (
        3,
        2,
        9,
        500,
        0,
        T(2026, 2, 1, 9),
        T(2026, 3, 1, 9),
        [(T(2026, 2, 1, 9), "created", 1, 500, 10), (T(2026, 3, 1, 9), "lost", 9, 500, 0)],
    ),
    (
        4,
        2,
        5,
        2000,
        55,
        T(2026, 3, 15, 9),
        None,
        [
            (T(2026, 3, 15, 9), "created", 1, 1500, 10),
            (T(2026, 3, 20, 9), "updated", 1, 2000, 10),
            (T(2026, 4, 10, 9), "stage_changed", 5, 2000, 55),
        ],
    ),
    (5, 1, 1, 400, 10, T(2026, 4, 2, 9), None, [(T(2026, 4, 2, 9), "created", 1, 400, 10)]),
    (
        6,
        2,
        8,
        700,
        100,
        T(2026, 3, 1, 9),
        T(2026, 4, 5, 9),
        [
            (T(2026, 3, 1, 9), "created", 1, 700, 10),
            (T(2026, 3, 20, 9), "stage_changed", 7, 700, 85),
            (T(2026, 4, 5, 9), "won", 8, 700, 100),
        ],
    ),
]


@pytest.fixture
def tiny(db):
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'team', null), (3, 'Team B', 1, 'team', null)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id) values (1, 'Rep One', 2), (2, 'Rep Two', 3)"
        )
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id, metric, target)"
            " values ('quarter', '2026-01-01', '2026-04-01', 'company', null, 'bookings', 9000),"
            " ('quarter', '2026-01-01', '2026-04-01', 'rep', 1, 'bookings', 5000)"
        )
        for deal_id, rep, stage, amount, probability, created, closed, events in DEALS:
            cur.execute(
                "insert into opportunities (opportunity_id, opportunity_name, owner_rep_id, stage_id, amount,"
                " amount_rc, probability, created_at, closed_at, expected_close_date)"
                " values ($id, 'Deal ' || $id, $rep, $stage, $amount, $amount, $probability, $created, $closed,"
                " coalesce($closed, timestamp '2026-12-15')::date)",
                {
                    "id": deal_id,
                    "rep": rep,
                    "stage": stage,
                    "amount": amount,
                    "probability": probability,
                    "created": created,
                    "closed": closed,
                },
            )
            for at, kind, event_stage, event_amount, event_probability in events:
                cur.execute(
                    "insert into opportunity_events (opportunity_id, occurred_at, origin, event_type, stage_id,"
                    " amount_rc, probability, owner_rep_id, forecast_category)"
                    " values ($id, $at, 'app', $kind, $stage, $amount, $probability, $rep, 'pipeline')",
                    {
                        "id": deal_id,
                        "at": at,
                        "kind": kind,
                        "stage": event_stage,
                        "amount": event_amount,
                        "probability": event_probability,
                        "rep": rep,
                    },
                )
    with db.reading() as cur:
        yield cur


def test_quarter_kpis_match_the_hand_computed_figures(tiny) -> None:
    figures = metrics.compute_kpis(tiny, ADMIN, Q1, today=TODAY)
    assert figures["deals"] == 5  # deals 1, 2, 3, 4 and 6 were created in Q1
    assert (figures["won"], figures["lost"]) == (2, 1)
    assert figures["bookings"] == 4000.0
    assert figures["win_rate"] == pytest.approx(2 / 3)
    assert figures["win_rate_value"] == pytest.approx(4000 / 4500)
    assert figures["avg_deal_size"] == 2000.0
    assert figures["cycle_days_median"] == 59.5  # 30 and 89 days
    assert figures["cycle_days_mean"] == 59.5


def test_open_pipeline_at_a_past_period_end_is_rebuilt_from_events(tiny) -> None:
    figures = metrics.compute_kpis(tiny, ADMIN, Q1, today=TODAY)
    # at the end of Q1: deal 4 (stage 1, 2000 after its amount change, 10%) and deal 6
    # (Closing, 700, 85%) were open; deal 5 did not exist yet
    assert figures["open"] == 2
    assert figures["open_pipeline"] == 2700.0
    assert figures["weighted_pipeline"] == 795.0


def test_open_pipeline_now_uses_the_current_state(tiny) -> None:
    figures = metrics.compute_kpis(tiny, ADMIN, metrics.Period(), today=TODAY)
    assert figures["open"] == 2  # deals 4 and 5
    assert figures["open_pipeline"] == 2400.0
    assert figures["weighted_pipeline"] == 1140.0  # 2000 x 55% + 400 x 10%
    assert (figures["won"], figures["lost"], figures["bookings"]) == (3, 1, 4700.0)


def test_grouping_by_owner_splits_the_figures(tiny) -> None:
    figures = metrics.compute_kpis(tiny, ADMIN, Q1, by="owner", today=TODAY)
    groups = {group["key"]: group for group in figures["groups"]}
    assert groups["Rep One"]["bookings"] == 4000.0
    assert groups["Rep One"]["won"] == 2
    assert groups["Rep Two"]["lost"] == 1
    assert groups["Rep Two"]["win_rate"] == 0.0
    assert sum(group["open_pipeline"] for group in figures["groups"]) == figures["open_pipeline"]


@pytest.mark.parametrize(
    ("viewer", "expected_bookings", "expected_open"),
    [(ADMIN, 4700.0, 2), (REP_ONE, 4000.0, 1), (MANAGER_A, 4000.0, 1), (MANAGER_ALL, 4700.0, 2)],
)
def test_scope_limits_what_each_viewer_counts(
    tiny, viewer, expected_bookings, expected_open
) -> None:
    figures = metrics.compute_kpis(tiny, viewer, metrics.Period(), today=TODAY)
    assert figures["bookings"] == expected_bookings
    assert figures["open"] == expected_open


def test_a_viewer_without_a_rep_or_team_sees_nothing(tiny) -> None:
    orphan_rep = Viewer(9, "x@x", "X", "rep", rep_id=None)
    figures = metrics.compute_kpis(tiny, orphan_rep, metrics.Period(), today=TODAY)
    assert (figures["won"], figures["open"], figures["bookings"]) == (0, 0, 0.0)


def test_filters_narrow_to_a_team_subtree(tiny) -> None:
    figures = metrics.compute_kpis(
        tiny, ADMIN, metrics.Period(), filters=metrics.DealFilter(team_id=3), today=TODAY
    )
    assert figures["bookings"] == 700.0
    assert figures["lost"] == 1


def test_goal_is_spread_over_months_and_matches_the_scope(tiny) -> None:
    monthly = metrics.load_goal_by_month(tiny, ("company", None), Q1)
    assert monthly["target"].astype(float).round(2).tolist() == [
        round(9000 * 31 / 90, 2),
        round(9000 * 28 / 90, 2),
        round(9000 * 31 / 90, 2),
    ]
    assert metrics.load_goal_total(tiny, ("company", None), Q1) == pytest.approx(9000, abs=0.02)
    assert metrics.load_goal_total(
        tiny, metrics.goal_scope(REP_ONE, metrics.DealFilter()), Q1
    ) == pytest.approx(5000, abs=0.02)
    assert metrics.load_goal_total(tiny, ("team", 2), Q1) is None


def test_goal_total_reads_its_months_off_a_longer_frame(tiny) -> None:
    year = metrics.Period(dt.date(2025, 10, 1), dt.date(2026, 7, 1))
    monthly = metrics.load_goal_by_month(tiny, ("company", None), year)
    assert len(monthly) == 9
    assert metrics.goal_total(monthly, Q1) == metrics.load_goal_total(tiny, ("company", None), Q1)
    q2 = metrics.Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))
    assert metrics.goal_total(monthly, q2) is None  # no goal set for Q2
    assert metrics.goal_total(monthly.iloc[0:0], Q1) is None


def test_the_finest_goal_wins_month_by_month(db, tiny) -> None:
    company = ("company", None)
    with db.transaction() as cur:  # a monthly goal for April only, none in Q1
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values ('month', '2026-04-01', '2026-05-01', 'company', null,"
            " 'bookings', 1200)"
        )
    # April's monthly goal does not hide Q1's quarterly one
    assert metrics.load_goal_total(tiny, company, Q1) == pytest.approx(9000, abs=0.02)
    april = metrics.Period(dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    assert metrics.load_goal_total(tiny, company, april) == pytest.approx(1200)
    with db.transaction() as cur:  # February gets a goal of its own: it replaces Q1's share
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values ('month', '2026-02-01', '2026-03-01', 'company', null,"
            " 'bookings', 2000)"
        )
    monthly = metrics.load_goal_by_month(tiny, company, Q1)
    assert monthly["target"].astype(float).round(2).tolist() == [
        round(9000 * 31 / 90, 2),
        2000.0,
        round(9000 * 31 / 90, 2),
    ]


def test_bookings_vs_goal_has_every_month_and_cumulates(tiny) -> None:
    frame = metrics.load_bookings_vs_goal(tiny, ADMIN, Q1)
    assert frame["bookings"].tolist() == [0.0, 1000.0, 3000.0]
    assert frame["bookings_cumulative"].tolist() == [0.0, 1000.0, 4000.0]
    assert frame["target_cumulative"].iloc[-1] == pytest.approx(9000, abs=0.02)


def test_attainment_by_rep(tiny) -> None:
    frame = metrics.load_attainment(tiny, ADMIN, Q1, "rep").set_index("unit_name")
    assert frame.loc["Rep One", "bookings"] == 4000.0
    assert frame.loc["Rep One", "attainment"] == pytest.approx(0.8)
    assert frame.loc["Rep Two", "bookings"] == 0.0


def test_pipeline_by_stage_lists_every_open_stage(tiny) -> None:
    frame = metrics.load_pipeline_by_stage(tiny, ADMIN).set_index("stage_name")
    assert len(frame) == 7
    assert frame.loc["Presentation", "amount"] == 2000.0
    assert frame.loc["Prospecting", "weighted_amount"] == 40.0
    assert frame["deals"].sum() == 2


@pytest.mark.parametrize(
    ("kind", "ids"),
    [("won", [2, 1]), ("lost", [3]), ("open", [4, 5]), ("created", [2, 4, 1, 6, 3])],
)
def test_deal_lists_show_the_rows_behind_each_figure(tiny, kind, ids) -> None:
    assert metrics.list_deals(tiny, ADMIN, kind, Q1)["opportunity_id"].tolist() == ids


def test_coverage() -> None:
    assert metrics.coverage(3000, 5000, 2000) == 1.0
    assert metrics.coverage(3000, 5000, 6000) is None
    assert metrics.coverage(3000, None, 0) is None


def test_bad_inputs_are_refused(tiny) -> None:
    with pytest.raises(ValidationError, match="cannot group by"):
        metrics.compute_kpis(tiny, ADMIN, Q1, by="colour")
    with pytest.raises(ValidationError, match="ends"):
        metrics.Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_period_helpers() -> None:
    assert metrics.Period.quarter_of(dt.date(2026, 11, 25)).label == "2026-Q4"
    assert metrics.Period.from_inclusive(dt.date(2026, 1, 1), dt.date(2026, 1, 31)).end == dt.date(
        2026, 2, 1
    )
    assert [q.label for q in metrics.quarters_back(dt.date(2026, 2, 1), 3)] == [
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
    ]


def test_elapsed_share_of_a_period() -> None:
    assert metrics.elapsed_share(Q1, dt.date(2025, 12, 1)) == 0
    assert metrics.elapsed_share(Q1, dt.date(2026, 1, 1)) == pytest.approx(1 / 90)
    assert metrics.elapsed_share(Q1, dt.date(2026, 3, 31)) == 1
    assert metrics.elapsed_share(Q1, dt.date(2026, 7, 1)) == 1


def test_filter_options_follow_the_viewer_scope(tiny) -> None:
    options = metrics.load_filter_options(tiny, MANAGER_A)
    assert options[options.kind == "team"]["label"].tolist() == ["Team A"]
    assert options[options.kind == "rep"]["label"].tolist() == ["Rep One"]
    everything = metrics.load_filter_options(tiny, ADMIN)
    assert everything[everything.kind == "team"]["label"].tolist() == [
        "Company",
        "Team A",
        "Team B",
    ]
