"""Funnel figures on a hand-made history (see analytics_fixtures), the demo, and the
waterfall's reconciliation on random histories."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import deals, funnel, metrics
from dashboard.db import Database, migrate
from dashboard.errors import ValidationError
from dashboard.metrics import DealFilter, Period
from tests.unit.analytics_fixtures import (
    ADMIN,
    MANAGER_A,
    REP_ANN,
    REP_BOB,
    SYSTEM,
    build_org,
    build_story,
)

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))
NOW = dt.datetime(2026, 5, 1, 12)


@pytest.fixture(scope="module")
def story():
    database = Database(":memory:")
    migrate(database)
    build_story(database)
    yield database
    database.close()


@pytest.fixture
def cur(story):
    with story.reading() as cursor:
        yield cursor


def by_stage(frame, period_no=1, slice_key="All"):
    part = frame[(frame["period_no"] == period_no) & (frame["slice_key"] == slice_key)]
    return part.set_index("stage_order")


def test_reached_counts_every_deal_whose_furthest_stage_is_at_or_past_the_stage(cur) -> None:
    stages = by_stage(funnel.load_funnel(cur, ADMIN, Q1))
    # D1 won (passed all), D2 lost at 2, D3 open at 5, D4 open at 1
    assert stages["reached"].tolist() == [4, 3, 2, 2, 2, 1, 1]
    assert stages.loc[1, "reached_amount"] == 1000 + 500 + 2500 + 300
    assert stages.loc[1, "conversion"] == pytest.approx(3 / 4)
    assert stages.loc[2, "conversion"] == pytest.approx(2 / 3)
    assert stages.loc[7, "next_deals"] == 1  # won
    assert stages.loc[7, "conversion"] == 1.0


def test_drop_off_splits_lost_and_still_open(cur) -> None:
    stages = by_stage(funnel.load_funnel(cur, ADMIN, Q1))
    assert (stages.loc[1, "dropped_lost"], stages.loc[1, "dropped_open"]) == (0, 1)  # D4
    assert (stages.loc[2, "dropped_lost"], stages.loc[2, "dropped_open"]) == (1, 0)  # D2
    assert (stages.loc[5, "dropped_lost"], stages.loc[5, "dropped_open"]) == (0, 1)  # D3
    assert stages.loc[2, "dropped_amount"] == 500


def test_the_closed_cohort_and_a_comparison_period(cur) -> None:
    stages = funnel.load_funnel(cur, ADMIN, Q2, cohort="closed", compare=Q1)
    q2, q1 = by_stage(stages, 1), by_stage(stages, 2)
    assert q2["reached"].tolist() == [1, 1, 1, 1, 1, 1, 1]  # D5 won in Q2
    assert q1["reached"].tolist() == [2, 2, 1, 1, 1, 1, 1]  # D1 won, D2 lost at 2


def test_slices_by_rep_source_rating_and_cohort_month(cur) -> None:
    by_rep = funnel.load_funnel(cur, ADMIN, Q1, slice_by="owner")
    assert by_stage(by_rep, slice_key="Ann")["reached"].tolist() == [2, 2, 1, 1, 1, 1, 1]
    assert by_stage(by_rep, slice_key="Bob")["reached"].tolist() == [2, 1, 1, 1, 1, 0, 0]
    by_source = funnel.load_funnel(cur, ADMIN, Q1, slice_by="source")
    assert set(by_source["slice_key"]) == {"Web", "Referral", "Event"}
    by_month = funnel.load_funnel(cur, ADMIN, Q1, slice_by="cohort")
    assert by_stage(by_month, slice_key="2026-01").loc[1, "reached"] == 3
    assert by_stage(by_month, slice_key="2026-02").loc[1, "reached"] == 1
    by_rating = funnel.load_funnel(cur, ADMIN, Q1, slice_by="rating")
    assert by_stage(by_rating, slice_key="warm").loc[1, "reached"] == 2
    by_team = funnel.load_funnel(cur, ADMIN, Q1, slice_by="team")
    assert set(by_team["slice_key"]) == {"Team A", "Team B"}


def test_outcomes_win_rates_cycle_and_velocity(cur) -> None:
    row = funnel.load_outcomes(cur, ADMIN, Q1, now=NOW).iloc[0]
    assert (row["won"], row["lost"]) == (1, 1)
    assert row["bookings"] == 1000 and row["lost_amount"] == 500
    assert row["win_rate"] == 0.5
    assert row["win_rate_value"] == pytest.approx(1000 / 1500)
    assert row["cycle_days_median"] == 30 and row["cycle_days_mean"] == 30  # 01-05 -> 02-04
    assert (row["open_deals"], row["open_amount"]) == (2, 2800)  # D3, D4 at the end of Q1
    assert row["velocity_per_day"] == pytest.approx(2 * 0.5 * 1000 / 30)


def test_outcomes_equal_compute_kpis(cur) -> None:
    for period, today in ((Q1, dt.date(2026, 5, 1)), (Q2, dt.date(2026, 5, 1))):
        now = dt.datetime.combine(today, dt.time(23, 59, 59))
        row = funnel.load_outcomes(cur, ADMIN, period, now=now).iloc[0]
        kpis = metrics.compute_kpis(cur, ADMIN, period, today=today)
        assert (row["won"], row["lost"], row["open_deals"]) == (
            kpis["won"],
            kpis["lost"],
            kpis["open"],
        )
        assert row["bookings"] == kpis["bookings"]
        assert row["open_amount"] == kpis["open_pipeline"]
        assert row["cycle_days_median"] == kpis["cycle_days_median"]


def test_a_rep_sees_only_their_own_funnel(cur) -> None:
    ann = by_stage(funnel.load_funnel(cur, REP_ANN, Q1))
    assert ann["reached"].tolist() == [2, 2, 1, 1, 1, 1, 1]
    bob = funnel.load_funnel(cur, REP_BOB, Q1, slice_by="owner")
    assert set(bob["slice_key"]) == {"Bob"}
    manager = funnel.load_funnel(cur, MANAGER_A, Q1, slice_by="owner")
    assert set(manager["slice_key"]) == {"Ann"}


def test_the_analytics_scope_is_every_rep_only_for_an_unfiltered_admin(cur) -> None:
    def reps(viewer, filters=funnel.NO_FILTERS):
        return metrics.analytics_params(cur, viewer, filters)["rep_ids"]

    assert reps(ADMIN) is None  # no test per row
    assert reps(ADMIN, DealFilter(team_id=3)) == [2]
    assert reps(MANAGER_A) == [1]
    assert reps(MANAGER_A, DealFilter(team_id=3)) == []  # another team: nothing
    assert reps(REP_BOB) == [2]
    nobody = by_stage(funnel.load_funnel(cur, MANAGER_A, Q1, DealFilter(team_id=3)))
    assert nobody["reached"].sum() == 0


def test_filters_narrow_the_funnel(cur) -> None:
    germany = by_stage(funnel.load_funnel(cur, ADMIN, Q1, DealFilter(territory_id=4)))
    assert germany.loc[1, "reached"] == 2
    region = by_stage(funnel.load_funnel(cur, ADMIN, Q1, DealFilter(territory_id=2)))
    assert region.loc[1, "reached"] == 4  # the region's subtree
    alpha = by_stage(funnel.load_funnel(cur, ADMIN, Q1, DealFilter(product_id=1)))
    assert alpha.loc[1, "reached"] == 2  # D1, D4


def test_time_in_stage_distribution(cur) -> None:
    stays = funnel.load_time_in_stage(cur, ADMIN, Q1, now=NOW)
    done = stays[stays["state"] == "completed"].set_index("stage_order")
    # stage 1: D1 5 days, D2 2 days, D3 8 days; stage 2: D2 12 days; stage 3: D1 25 days
    assert done.loc[1, "stays"] == 3
    assert done.loc[1, "median_days"] == pytest.approx(5)
    assert done.loc[1, "mean_days"] == pytest.approx(5)
    assert done.loc[1, "p25_days"] == pytest.approx(3.5)
    assert done.loc[2, "median_days"] == pytest.approx(12)
    assert done.loc[3, "median_days"] == pytest.approx(25)
    current = stays[stays["state"] == "current"].set_index("stage_order")
    # D3 in stage 5 since 01-15 09:00, D4 in stage 1 since 02-10 09:00, at 05-01 12:00: whole
    # days, the 3 hours over do not count
    assert current.loc[5, "median_days"] == 106
    assert current.loc[1, "median_days"] == 80
    longest = funnel.list_stage_stays(cur, ADMIN, Q1, stage_id=1, now=NOW)
    assert longest["opportunity_name"].tolist() == ["D3", "D1", "D2"]


def test_pipeline_as_of_a_past_date(cur) -> None:
    stages = funnel.load_pipeline_as_of(cur, ADMIN, dt.date(2026, 1, 31)).set_index("stage_id")
    assert stages.loc[3, "deals"] == 1 and stages.loc[3, "amount"] == 1000  # D1
    assert stages.loc[5, "deals"] == 1 and stages.loc[5, "amount"] == 2000  # D3 before +500
    assert stages["deals"].sum() == 2
    assert stages.loc[5, "weighted_amount"] == 1100
    listed = funnel.list_pipeline_as_of(cur, ADMIN, dt.date(2026, 1, 31))
    assert listed["opportunity_name"].tolist() == ["D3", "D1"]


def amounts(frame) -> dict[str, float]:
    return dict(zip(frame["step"], frame["amount"].astype(float), strict=True))


def test_waterfall_for_all_open_deals(cur) -> None:
    steps = funnel.load_waterfall(cur, ADMIN, dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    assert amounts(steps) == {
        "start": 3000.0,  # D1 1000, D3 2000
        "new": 300.0,  # D4
        "increased": 500.0,  # D3 2000 -> 2500
        "decreased": 0.0,
        "pushed_out": 0.0,
        "pulled_in": 0.0,
        "won": -1000.0,  # D1
        "lost": 0.0,
        "end": 2800.0,
    }
    assert funnel.waterfall_balance(steps) == 0


def test_waterfall_for_a_close_window_counts_pushed_out_deals(cur) -> None:
    steps = funnel.load_waterfall(cur, ADMIN, dt.date(2026, 2, 1), dt.date(2026, 3, 31), Q1)
    assert amounts(steps) == {
        "start": 3000.0,
        "new": 300.0,
        "increased": 0.0,
        "decreased": 0.0,
        "pushed_out": -2000.0,  # D3's close date moved to May, at its start amount
        "pulled_in": 0.0,
        "won": -1000.0,
        "lost": 0.0,
        "end": 300.0,
    }
    pushed = funnel.list_waterfall_deals(
        cur, ADMIN, dt.date(2026, 2, 1), dt.date(2026, 3, 31), "pushed_out", Q1
    )
    assert pushed["opportunity_name"].tolist() == ["D3"]
    assert str(pushed["close_date_at_end"].iloc[0])[:10] == "2026-05-10"


def test_waterfall_pulled_in_and_lost(cur) -> None:
    # Q2 window from 03-01 to 04-30: D3 pulled in (its date moved into Q2 on 03-01... at the
    # start, 03-01 00:00, it was due 03-15); D5 new and won.
    steps = funnel.load_waterfall(cur, ADMIN, dt.date(2026, 3, 1), dt.date(2026, 4, 30), Q2)
    assert amounts(steps)["pulled_in"] == 2500.0
    assert amounts(steps)["new"] == 800.0
    assert amounts(steps)["won"] == -800.0
    assert amounts(steps)["end"] == 2500.0
    lost = funnel.load_waterfall(cur, ADMIN, dt.date(2026, 1, 10), dt.date(2026, 1, 31))
    assert amounts(lost)["lost"] == -500.0


def test_bad_requests_are_refused(cur) -> None:
    with pytest.raises(ValidationError, match="cannot slice"):
        funnel.load_funnel(cur, ADMIN, Q1, slice_by="planet")
    with pytest.raises(ValidationError, match="overlaps"):
        funnel.load_funnel(cur, ADMIN, Q1, compare=Period(dt.date(2026, 3, 1), dt.date(2026, 5, 1)))
    with pytest.raises(ValidationError, match="before it starts"):
        funnel.load_waterfall(cur, ADMIN, dt.date(2026, 3, 1), dt.date(2026, 2, 1))
    with pytest.raises(ValidationError, match="first and a last day"):
        funnel.load_funnel(cur, ADMIN, Period())


def test_history_refresh_folds_in_new_events_incrementally(story) -> None:
    with story.transaction() as cur:
        assert funnel.refresh_history(cur).mode == "none"
        deal = deals.get_deal(cur, ADMIN, 4)
        deals.update_deal(
            cur, SYSTEM, 4, deal["row_version"], {"stage_id": 2}, at=dt.datetime(2026, 5, 2, 9)
        )
    with story.reading() as cur:
        assert not funnel.history_is_current(cur)
    with story.transaction() as cur:
        done = funnel.refresh_history(cur)
    assert (done.mode, done.deals) == ("incremental", 1)
    with story.reading() as cur:
        assert funnel.history_is_current(cur)
        stages = funnel.load_pipeline_as_of(cur, ADMIN, dt.date(2026, 5, 3)).set_index("stage_id")
        assert stages.loc[2, "deals"] == 1
        early = funnel.load_pipeline_as_of(cur, ADMIN, dt.date(2026, 5, 1)).set_index("stage_id")
        assert early.loc[1, "deals"] == 1  # D4 was still at stage 1 then


def test_demo_funnel_reconciles_with_the_kpis(demo_db, demo_viewers) -> None:
    today = dt.date.today()
    period = Period.quarter_of(today)
    now = dt.datetime.combine(today, dt.time(23, 59, 59))
    with demo_db.transaction() as cur:
        funnel.refresh_history(cur)
    with demo_db.reading() as cur:
        for role in ("executive", "manager", "rep"):
            viewer = demo_viewers[role]
            row = funnel.load_outcomes(cur, viewer, period, now=now).iloc[0]
            kpis = metrics.compute_kpis(cur, viewer, period, today=today)
            assert (row["won"], row["lost"], row["open_deals"]) == (
                kpis["won"],
                kpis["lost"],
                kpis["open"],
            )
            assert row["bookings"] == pytest.approx(kpis["bookings"])
            steps = funnel.load_waterfall(
                cur, viewer, period.start, today, Period.quarter_of(today)
            )
            assert funnel.waterfall_balance(steps) == 0
            as_of = funnel.load_pipeline_as_of(cur, viewer, today)
            assert as_of["deals"].sum() == kpis["open"]


# --------------------------------------------------------------------------- property test

T0 = dt.datetime(2026, 1, 1, 9)
OPEN_STAGES = list(range(1, 8))

change = st.one_of(
    st.tuples(st.just("stage"), st.sampled_from(OPEN_STAGES)),
    st.tuples(st.just("won"), st.just(8)),
    st.tuples(st.just("lost"), st.just(9)),
    st.tuples(st.just("amount"), st.integers(1, 20).map(lambda value: value * 100)),
    st.tuples(st.just("expected"), st.integers(0, 120)),
)
history = st.lists(
    st.tuples(
        st.integers(0, 90),  # created on day
        st.integers(1, 20).map(lambda value: value * 100),  # amount
        st.integers(0, 120),  # expected close day
        st.lists(st.tuples(st.integers(1, 30), change), max_size=5),  # (days later, change)
    ),
    min_size=1,
    max_size=6,
)


def _replay(db: Database, deals_history) -> None:
    build_org(db)
    for created_day, amount, expected_day, changes in deals_history:
        when = T0 + dt.timedelta(days=created_day)
        with db.transaction() as cur:
            saved = deals.create_deal(
                cur,
                SYSTEM,
                {
                    "opportunity_name": "Deal",
                    "owner_rep_id": 1,
                    "amount": str(amount),
                    "expected_close_date": (
                        T0.date() + dt.timedelta(days=max(expected_day, created_day))
                    ).isoformat(),
                },
                at=when,
            )
        version = saved.row_version
        for days_later, (kind, value) in changes:
            when += dt.timedelta(days=days_later, hours=1)
            values: dict = {}
            if kind in ("stage", "won", "lost"):
                values["stage_id"] = value
                if kind == "lost":
                    values["loss_reason"] = "Price"
            elif kind == "amount":
                values["amount"] = str(value)
            else:
                values["expected_close_date"] = (
                    T0.date() + dt.timedelta(days=max(value, created_day))
                ).isoformat()
            with db.transaction() as cur:
                version = deals.update_deal(
                    cur, SYSTEM, saved.opportunity_id, version, values, at=when
                ).row_version


def _open_pipeline(cur, at: dt.datetime, window: Period | None) -> Decimal:
    """The reference: replay every event in Python, last state before `at` per deal."""
    rows = cur.execute(
        "select opportunity_id, occurred_at, event_id, stage_id, amount_rc, expected_close_date"
        " from opportunity_events order by opportunity_id, occurred_at, event_id"
    ).fetchall()
    state: dict[int, tuple] = {}
    for deal, occurred, _, stage, amount, expected in rows:
        if occurred < at:
            state[deal] = (stage, amount, expected)
    total = Decimal(0)
    for stage, amount, expected in state.values():
        if stage in (8, 9):
            continue
        if window is None or (window.start <= expected < window.end):
            total += amount
    return total


def _closed_between(
    cur, begin: dt.datetime, end: dt.datetime, window: Period | None
) -> dict[int, Decimal]:
    """The reference for the won and lost steps: replay every event in Python; a deal counts
    when its last state before `end` is won or lost, reached (the stage entered) and last
    changed at or after `begin`, with the close date in the window. Per stage id (8, 9)."""
    rows = cur.execute(
        "select opportunity_id, occurred_at, event_id, stage_id, amount_rc"
        " from opportunity_events order by opportunity_id, occurred_at, event_id"
    ).fetchall()
    states: dict[int, dict[dt.datetime, tuple]] = {}
    for deal, occurred, _, stage, amount in rows:
        if occurred < end:  # several events at one instant: the last one holds the state
            states.setdefault(deal, {})[occurred] = (stage, amount)
    totals = {8: Decimal(0), 9: Decimal(0)}
    for kept in states.values():
        instants = sorted(kept)
        stage, amount = kept[instants[-1]]
        if stage not in totals:
            continue
        entered = instants[-1]
        for instant in reversed(instants[:-1]):
            if kept[instant][0] != stage:
                break
            entered = instant
        if entered < begin:
            continue
        if window is None or window.start <= entered.date() < window.end:
            totals[stage] += amount
    return totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deals_history=history,
    first_day=st.integers(0, 150),
    length=st.integers(0, 120),
    window_start=st.one_of(st.none(), st.integers(0, 150)),
)
def test_the_waterfall_reconciles_on_random_histories(
    deals_history, first_day, length, window_start
) -> None:
    db = Database(":memory:")
    try:
        migrate(db)
        _replay(db, deals_history)
        with db.transaction() as cur:
            funnel.refresh_history(cur)
        first = T0.date() + dt.timedelta(days=first_day)
        last = first + dt.timedelta(days=length)
        window = None
        if window_start is not None:
            start = T0.date() + dt.timedelta(days=window_start)
            window = Period(start, start + dt.timedelta(days=45))
        with db.reading() as cur:
            steps = funnel.load_waterfall(cur, ADMIN, first, last, window)
            assert funnel.waterfall_balance(steps) == 0
            found = {
                step: Decimal(str(value))
                for step, value in zip(steps["step"], steps["amount"], strict=True)
            }
            begin = dt.datetime.combine(first, dt.time())
            end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
            assert found["start"] == _open_pipeline(cur, begin, window)
            assert found["end"] == _open_pipeline(cur, end, window)
            closed = _closed_between(cur, begin, end, window)
            assert (found["won"], found["lost"]) == (-closed[8], -closed[9])
            for step in ("new", "increased", "pulled_in"):
                assert found[step] >= 0
            for step in ("decreased", "pushed_out", "won", "lost"):
                assert found[step] <= 0
    finally:
        db.close()


def test_the_command_line_prints_the_waterfall_and_builds_the_history(tmp_path, capsys) -> None:
    import json

    from dashboard import cli
    from tests.conftest import build_small_demo

    path = tmp_path / "cli.duckdb"
    build_small_demo(path, deals=400).close()
    today = dt.date.today()
    assert cli.main(["history", "--db", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["mode"], printed["orders_rebuilt"]) == ("none", False)  # the demo built it
    start = Period.quarter_of(today).start.isoformat()
    assert (
        cli.main(["waterfall", "--db", str(path), "--from", start, "--to", today.isoformat()]) == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert [step["step"] for step in printed["steps"]][0] == "start"
    assert Decimal(printed["balance"]) == 0
    assert (
        cli.main(
            [
                "funnel",
                "--db",
                str(path),
                "--from",
                start,
                "--to",
                today.isoformat(),
                "--by",
                "source",
            ]
        )
        == 0
    )
    assert {row["stage_order"] for row in json.loads(capsys.readouterr().out)["stages"]} == set(
        range(1, 8)
    )
    assert (
        cli.main(["waterfall", "--db", str(path), "--from", "2026-10-01", "--to", "2026-09-01"])
        == 2
    )
    assert "before it starts" in capsys.readouterr().err
