"""Forecast figures, submissions, accuracy, alerts and the gap explanation, on the hand-made
history of analytics_fixtures and small hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import forecast
from dashboard.db import Database, migrate
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.metrics import DealFilter, Period
from tests.unit.analytics_fixtures import ADMIN, ANALYST, MANAGER_A, REP_ANN, build_story

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))
NOW = dt.datetime(2026, 5, 1, 12)


@pytest.fixture
def story():
    database = Database(":memory:")
    migrate(database)
    build_story(database)
    yield database
    database.close()


def units(frame):
    return frame.set_index(["unit_level", "unit_name"])


def test_forecast_categories_weighted_and_goal(story) -> None:
    with story.reading() as cur:
        frame = units(forecast.load_forecast(cur, ADMIN, Q2, now=NOW))
    total = frame.loc[("total", "Total")]
    assert total["bookings"] == 800  # D5
    assert total["best_case_amount"] == 2500  # D3 at Presentation, due 05-10
    assert total["commit_amount"] == 0 and total["pipeline_amount"] == 0
    assert total["weighted_amount"] == 2500 * 0.55
    assert total["weighted_forecast"] == 800 + 1375
    assert total["goal"] == 5000
    assert frame.loc[("rep", "Bob"), "goal"] == 4000
    assert frame.loc[("team", "Team A"), "bookings"] == 800
    # history (closed 2025-05-01 .. 2026-05-01): D1 won, D2 lost at 2, D5 won. From stage 5,
    # 2 of 2 won: D3 counts fully (entered 01-15 + 25.5 median days: overdue, so now, in Q2);
    # from stage 1, 2 of 3 won: D4 counts 300 x 2/3
    assert frame.loc[("rep", "Bob"), "projected_wins"] == pytest.approx(2500 + 200)
    assert total["historical_forecast"] == pytest.approx(800 + 2700)


def test_unit_goals_count_a_monthly_goal_for_its_month_only(story) -> None:
    with story.transaction() as cur:
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values ('month', '2026-05-01', '2026-06-01', 'rep', 2,"
            " 'bookings', 1000), ('year', '2026-01-01', '2027-01-01', 'team', 2, 'bookings',"
            " 36500)"
        )
    with story.reading() as cur:
        frame = units(forecast.load_forecast(cur, ADMIN, Q2, now=NOW))
    # Bob: April and June's share of his quarterly 4000, and May's own 1000
    assert frame.loc[("rep", "Bob"), "goal"] == pytest.approx(4000 * 60 / 91 + 1000, abs=0.01)
    # Team A: its quarterly goal wins over the yearly one in every month of the quarter
    assert frame.loc[("team", "Team A"), "goal"] == pytest.approx(1000, abs=0.01)


def test_projection_is_empty_for_a_past_period_and_holds_overdue_deals_now(story) -> None:
    april = Period(dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    may_first = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 2))
    later = Period(dt.date(2026, 5, 2), dt.date(2026, 7, 1))
    with story.reading() as cur:
        totals = {
            period.label: units(forecast.load_forecast(cur, ADMIN, period, now=NOW)).loc[
                ("total", "Total")
            ]
            for period in (april, may_first, later)
        }
    assert totals[april.label]["projected_wins"] == 0  # over before now
    # D3 and D4 are overdue: expected now (05-01 12:00), the first day's
    assert totals[may_first.label]["projected_wins"] == pytest.approx(2700)
    assert totals[may_first.label]["bookings"] == 0  # no deal of its own: zeros, not blanks
    assert totals[later.label]["projected_wins"] == 0


def test_stage_rates_from_the_scope_history(story) -> None:
    with story.reading() as cur:
        rates = forecast.load_stage_rates(cur, ADMIN, now=NOW).set_index("stage_order")
    assert rates.loc[1, "reached"] == 3 and rates.loc[1, "win_rate"] == pytest.approx(2 / 3)
    assert rates.loc[3, "win_rate"] == 1.0
    # D1 entered stage 3 on 01-10 and won 02-04: 25 days; D5 skipped it
    assert rates.loc[3, "median_days_to_win"] == pytest.approx(25)


def test_a_manager_submits_for_their_team_only(story) -> None:
    scope = forecast.SubmissionScope("team", 2)
    with story.transaction() as cur:
        submission = forecast.submit_forecast(
            cur, MANAGER_A, Q2, scope, 1200, 1500, "a good quarter", now=NOW
        )
        with pytest.raises(PermissionDenied):
            forecast.submit_forecast(
                cur, MANAGER_A, Q2, forecast.SubmissionScope("team", 3), 1, now=NOW
            )
        with pytest.raises(PermissionDenied):
            forecast.submit_forecast(
                cur, REP_ANN, Q2, forecast.SubmissionScope("rep", 1), 1, now=NOW
            )
        with pytest.raises(PermissionDenied):
            forecast.submit_forecast(cur, ANALYST, Q2, scope, 1, now=NOW)
        with pytest.raises(ValidationError, match="has ended"):
            forecast.submit_forecast(cur, MANAGER_A, Q1, scope, 1, now=NOW)
        with pytest.raises(ValidationError, match="best case cannot be below"):
            forecast.submit_forecast(cur, MANAGER_A, Q2, scope, 1000, 10, now=NOW)
        with pytest.raises(ValidationError, match="amount"):
            forecast.submit_forecast(cur, MANAGER_A, Q2, scope, "lots", now=NOW)
    with story.reading() as cur:
        saved = forecast.list_submissions(cur, ANALYST, scope, Q2.start, Q2.end)
    row = saved.iloc[0]
    assert row["submission_id"] == submission and row["forecast_amount"] == 1200
    assert row["closed_amount"] == 800  # Team A's bookings when submitted
    assert row["goal_amount"] == 1000 and row["submitted_by"] == "Manager A"


def test_history_compares_forecasts_with_what_closed(story) -> None:
    with story.transaction() as cur:
        forecast.submit_forecast(cur, ADMIN, Q2, forecast.SubmissionScope("company"), 1000, now=NOW)
    with story.reading() as cur:
        history = forecast.load_history(cur, ADMIN, dt.date(2026, 7, 10), quarters=2)
    rows = history.set_index("period")
    assert rows.loc["2026-Q1", "actual"] == 1000 and rows.loc["2026-Q2", "actual"] == 800
    # at 2026-01-01 nothing was open; at 2026-04-01 D3 was open but due 05-10 (in Q2)
    assert rows.loc["2026-Q1", "weighted_at_start"] == 0
    assert rows.loc["2026-Q2", "weighted_at_start"] == 2500 * 0.55
    assert rows.loc["2026-Q2", "submitted"] == 1000
    assert rows.loc["2026-Q2", "submitted_accuracy"] == pytest.approx(1000 / 800 - 1)
    assert rows.loc["2026-Q2", "goal_accuracy"] == pytest.approx(5000 / 800 - 1)
    assert pd.isna(rows.loc["2026-Q3", "submitted_accuracy"])  # not complete yet


def test_deviation_alerts_name_the_units_off_plan(story) -> None:
    with story.reading() as cur:
        frame = forecast.load_forecast(cur, ADMIN, Q2, now=NOW)
    alerts = forecast.deviation_alerts(frame, Q2, dt.date(2026, 5, 1), threshold=0.1)
    messages = dict(zip(alerts["unit_name"], alerts["message"], strict=False))
    # Bob: goal 4000, nothing booked, weighted forecast 1375 (66% below)
    assert "Rep Bob" in messages["Bob"] and "behind the pace" in messages["Bob"]
    assert "66% below the goal" in messages["Bob"]
    # worst first: Team A / Ann booked 800 against 1000 x 30/91 = 330 expected by now (+143%)
    assert alerts.iloc[0]["unit_name"] in {"Ann", "Team A"}
    # ... yet its weighted forecast (800, nothing open) is 20% below the goal
    assert "ahead of the pace" in alerts.iloc[0]["message"]
    assert "20% below the goal" in alerts.iloc[0]["message"]
    quiet = forecast.deviation_alerts(frame, Q2, dt.date(2026, 5, 1), threshold=100)
    assert quiet.empty
    with pytest.raises(ValidationError):
        forecast.deviation_alerts(frame, Q2, dt.date(2026, 5, 1), threshold=0)


def test_price_volume_mix_splits_the_gap_exactly() -> None:
    products = pd.DataFrame(
        [
            # base: A 2 deals at 100, B 2 deals at 300; actual: A 3 at 90 (10% off), B 1 at 300
            ("A", 2, 2, 200.0, 200.0),
            ("B", 2, 2, 600.0, 600.0),
            ("A", 1, 3, 270.0, 300.0),
            ("B", 1, 1, 300.0, 300.0),
        ],
        columns=["key", "period_no", "won", "bookings", "gross_bookings"],
    )
    effects = forecast.price_volume_mix(products, None)
    assert effects["volume"] == pytest.approx(0)
    assert effects["mix"] == pytest.approx(-200)  # 3x100 + 1x300 - 4x200
    assert effects["size"] == pytest.approx(0)
    assert effects["discount"] == pytest.approx(-30)  # 3 deals x 100 x 10%
    total = effects["volume"] + effects["mix"] + effects["size"] + effects["discount"]
    assert total == pytest.approx(570 - 800)
    scaled = forecast.price_volume_mix(products, 1600.0)  # the goal is twice last year
    assert scaled["base"] == pytest.approx(1600)
    assert scaled["volume"] == pytest.approx((4 - 8) * 200)
    assert scaled["volume"] + scaled["mix"] + scaled["size"] + scaled["discount"] == pytest.approx(
        570 - 1600
    )
    # a product sold only now (C, 1 at 500) keeps its own price and discount as its base; one
    # sold only last year (D, 1 at 400) weighs in the base average only
    more = pd.concat(
        [
            products,
            pd.DataFrame(
                [("C", 1, 1, 500.0, 500.0), ("D", 2, 1, 400.0, 400.0)], columns=products.columns
            ),
        ]
    )
    mixed = forecast.price_volume_mix(more, None)
    assert mixed["volume"] == pytest.approx(0)  # 5 deals both times
    assert mixed["mix"] == pytest.approx(3 * 100 + 300 + 500 - 5 * 240)  # base: 1,200 / 5
    assert (mixed["size"], mixed["discount"]) == (pytest.approx(0), pytest.approx(-30))
    by_product = mixed["products"].set_index("product")
    assert by_product.loc["C", "base_avg_price"] == 500 and by_product.loc["D", "won"] == 0


def test_explain_gap_adds_up_and_shows_returns(story, demo_db, demo_viewers) -> None:
    with story.reading() as cur:
        frame = forecast.load_forecast(cur, ADMIN, Q2, now=NOW)
        gap = forecast.explain_gap(cur, ADMIN, Q2, goal=5000.0, units=frame)
    assert gap["effects"]["available"] is False  # nothing booked in Q2 2025
    assert gap["contributions"]["rep"].set_index("key").loc["Bob", "gap"] == -4000
    today = dt.date.today()
    period = Period.quarter_of(today)
    viewer = demo_viewers["executive"]
    with demo_db.reading() as cur:
        units_frame = forecast.load_forecast(cur, viewer, period)
        goal = float(units_frame[units_frame["unit_level"] == "total"]["goal"].iloc[0])
        gap = forecast.explain_gap(cur, viewer, period, DealFilter(), goal, units_frame)
        works = forecast.load_what_works(cur, viewer, period)
        activities = forecast.load_activity_conversion(cur, viewer, period)
    effects = gap["effects"]
    assert effects["volume"] + effects["mix"] + effects["size"] + effects["discount"] == (
        pytest.approx(effects["actual"] - goal, abs=0.01)
    )
    assert gap["stages"]["effect"].sum() == pytest.approx(effects["actual"] - goal, abs=0.01)
    assert gap["fulfilment"]["orders"].sum() > 0
    assert set(works["dimension"]) == {"product", "source"}
    assert (works["win_rate"].dropna().between(0, 1)).all()
    assert set(activities["activity_type"]) >= {"call", "proposal"}


def test_reps_may_not_see_forecasts(story) -> None:
    with story.reading() as cur:
        with pytest.raises(PermissionDenied):
            forecast.load_forecast(cur, REP_ANN, Q2)
