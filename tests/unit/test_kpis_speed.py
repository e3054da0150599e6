"""The Overview's faster queries (011_overview_speed) count exactly what scoped_deals counts.

compute_kpis is compared with a plain-pandas reference built from the rows of the
`scoped_deals` macro (and, for a period that has ended, from opportunity_events), for every
kind of viewer, grouping, filter and period; the narrower `overview_deals` macro must select
the same deals as `scoped_deals`, also for deals scoped_deals drops (an owner whose team is
missing, a stage that does not exist).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import metrics
from dashboard.auth import Viewer
from tests.unit.test_metrics import ADMIN, MANAGER_A, Q1, REP_ONE, TODAY
from tests.unit.test_metrics import tiny as tiny  # noqa: F401 - the hand-made workspace

T = dt.datetime
# the same columns from both macros
SCOPED_SQL = (
    "select opportunity_id, owner_rep_id, stage_id, amount_rc, probability, created_at,"
    " closed_at, is_won, is_lost, owner_name, team_name, group_key"
    " from scoped_deals($scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id,"
    " $product_id, $group_by)"
)
OVERVIEW_SQL = (
    "select opportunity_id, owner_rep_id, stage_id, amount_rc, probability, created_at,"
    " closed_at, is_won, is_lost, owner_name, team_name"
    " from overview_deals($scope_kind, $scope_rep_id, $scope_team_id, $team_id, $territory_id,"
    " $product_id)"
)


def _scope_args(viewer: Viewer, filters: metrics.DealFilter) -> dict:
    return metrics.scoped_params(viewer, filters)


def _scoped(cur, viewer: Viewer, filters: metrics.DealFilter, by: str | None) -> pd.DataFrame:
    return cur.execute(SCOPED_SQL, {**_scope_args(viewer, filters), "group_by": by}).df()


def _overview(cur, viewer: Viewer, filters: metrics.DealFilter) -> pd.DataFrame:
    return cur.execute(OVERVIEW_SQL, _scope_args(viewer, filters)).df()


def _in(column: pd.Series, period: metrics.Period) -> pd.Series:
    inside = column.notna()
    if period.start:
        inside &= column >= pd.Timestamp(period.start)
    if period.end:
        inside &= column < pd.Timestamp(period.end)
    return inside


def _cents(values: pd.Series) -> pd.Series:
    """Money (or a probability in %) as whole hundredths, exact."""
    return (values.astype(float) * 100).round().astype("int64")


def _open_as_of(cur, deals: pd.DataFrame, before: dt.datetime, by: str | None) -> pd.DataFrame:
    """Open deals just before `before`, rebuilt from the events: group_key, amount, probability."""
    events = cur.execute(
        "select opportunity_events.opportunity_id, stage_id, amount_rc, probability, stage_name,"
        " is_won, is_lost from opportunity_events inner join stages using (stage_id)"
        " where occurred_at < $before"
        " qualify row_number() over (partition by opportunity_id"
        " order by occurred_at desc, event_id desc) = 1",
        {"before": before},
    ).df()
    existing = deals[deals["created_at"] < pd.Timestamp(before)]
    states = existing[["opportunity_id", "group_key"]].merge(events, on="opportunity_id")
    states = states[~states["is_won"] & ~states["is_lost"]].copy()
    if by == "stage":
        states["group_key"] = states["stage_name"]
    return states


def reference_kpis(
    cur, viewer: Viewer, period: metrics.Period, by: str | None, filters: metrics.DealFilter
) -> dict:
    """compute_kpis worked out in pandas from the scoped_deals rows (and the events)."""
    deals = _scoped(cur, viewer, filters, by)
    deals["group_key"] = deals["group_key"].astype(object).where(deals["group_key"].notna(), None)
    if period.end is None or period.end > TODAY:
        open_deals = deals[~deals["is_won"] & ~deals["is_lost"]]
    else:
        open_deals = _open_as_of(cur, deals, metrics._midnight(period.end), by)

    def figures(part: pd.DataFrame, open_part: pd.DataFrame) -> dict:
        closed = part[_in(part["closed_at"], period)]
        won, lost = closed[closed["is_won"]], closed[closed["is_lost"]]
        cycle = (won["closed_at"].dt.normalize() - won["created_at"].dt.normalize()).dt.days
        bookings, lost_amount = _cents(won["amount_rc"]).sum(), _cents(lost["amount_rc"]).sum()
        weighted = (_cents(open_part["amount_rc"]) * _cents(open_part["probability"])).sum()
        return {
            "deals": int(_in(part["created_at"], period).sum()),
            "won": len(won),
            "lost": len(lost),
            "open": len(open_part),
            "win_rate": len(won) / (len(won) + len(lost)) if len(won) + len(lost) else None,
            "win_rate_value": (
                bookings / (bookings + lost_amount) if bookings + lost_amount else None
            ),
            "bookings": bookings / 100,
            "avg_deal_size": round(bookings / 100 / len(won), 2) if len(won) else None,
            "cycle_days_median": float(cycle.median()) if len(won) else None,
            "cycle_days_mean": float(cycle.mean()) if len(won) else None,
            "open_pipeline": _cents(open_part["amount_rc"]).sum() / 100,
            "weighted_pipeline": weighted / 1_000_000,
        }

    totals = figures(deals, open_deals)
    if by is None:
        return totals
    keys = set(deals["group_key"]) | set(open_deals["group_key"])
    groups = []
    for key in keys:
        part = deals[deals["group_key"].isna() if key is None else deals["group_key"] == key]
        open_part = open_deals[
            open_deals["group_key"].isna() if key is None else open_deals["group_key"] == key
        ]
        groups.append({"key": key if key is not None else "(none)", **figures(part, open_part)})
    groups.sort(key=lambda group: (-group["bookings"], -group["open_pipeline"], group["key"]))
    return {**totals, "groups": groups}


def assert_same_figures(actual: dict, expected: dict, where: str) -> None:
    for key in ("deals", "won", "lost", "open"):
        assert actual[key] == expected[key], f"{where}: {key}"
    # money to the cent; the weighted pipeline is summed in floating point: within a cent
    for key, cents in (
        ("bookings", 0.005),
        ("open_pipeline", 0.005),
        ("avg_deal_size", 0.005),
        ("weighted_pipeline", 0.0101),
    ):
        if expected[key] is None:
            assert actual[key] is None, f"{where}: {key}"
        else:
            assert actual[key] == pytest.approx(expected[key], abs=cents), f"{where}: {key}"
    for key in ("win_rate", "win_rate_value", "cycle_days_median", "cycle_days_mean"):
        if expected[key] is None:
            assert actual[key] is None, f"{where}: {key}"
        else:
            assert actual[key] == pytest.approx(expected[key], rel=1e-9), f"{where}: {key}"


def assert_same_kpis(actual: dict, expected: dict, where: str) -> None:
    assert_same_figures(actual, expected, where)
    if "groups" in expected:
        assert [group["key"] for group in actual["groups"]] == [
            group["key"] for group in expected["groups"]
        ], where
        for got, want in zip(actual["groups"], expected["groups"], strict=True):
            assert_same_figures(got, want, f"{where} / {want['key']}")


# --------------------------------------------------------------------- the demo workspace


def _demo_filters(cur) -> list[metrics.DealFilter]:
    team = cur.execute("select min(team_id) from teams where team_level = 'region'").fetchone()[0]
    territory = cur.execute(
        "select min(territory_id) from territories where territory_kind = 'region'"
    ).fetchone()[0]
    product = cur.execute("select min(product_id) from products").fetchone()[0]
    return [
        metrics.DealFilter(),
        metrics.DealFilter(team_id=team),
        metrics.DealFilter(territory_id=territory),
        metrics.DealFilter(product_id=product),
    ]


@pytest.mark.parametrize("role", ["admin", "manager", "rep"])
@pytest.mark.parametrize("by", [None, *metrics.GROUP_BY])
def test_kpis_equal_the_reference_for_every_viewer_and_grouping(
    demo_db, demo_viewers, role, by
) -> None:
    viewer = demo_viewers[role]
    today = dt.date.today()
    this_quarter = metrics.Period.quarter_of(today)
    periods = [this_quarter, metrics.quarters_back(today, 2)[1], metrics.Period()]
    with demo_db.reading() as cur:
        for period in periods:
            for filters in _demo_filters(cur) if by is None else [metrics.DealFilter()]:
                actual = metrics.compute_kpis(cur, viewer, period, by, filters, today)
                expected = reference_kpis(cur, viewer, period, by, filters)
                assert_same_kpis(actual, expected, f"{role} {period.label} by {by} {filters}")


def test_overview_deals_select_the_scoped_deals_of_the_demo(demo_db, demo_viewers) -> None:
    with demo_db.reading() as cur:
        for viewer in demo_viewers.values():
            for filters in _demo_filters(cur):
                scoped = _scoped(cur, viewer, filters, None).drop(columns="group_key")
                narrow = _overview(cur, viewer, filters)
                pd.testing.assert_frame_equal(
                    narrow.sort_values("opportunity_id").reset_index(drop=True),
                    scoped.sort_values("opportunity_id").reset_index(drop=True),
                )


# --------------------------------------------------------------------- hand-made edge cases


@pytest.fixture
def odd(tiny):  # noqa: F811 - the fixture imported above
    """The hand-made workspace plus deals scoped_deals never counts, and a rep without deals."""
    tiny.execute(
        "insert into reps (rep_id, full_name, team_id) values (3, 'Rep Lost Team', 99),"
        " (4, 'Rep Idle', 2)"
    )
    tiny.execute(
        "insert into opportunities (opportunity_id, opportunity_name, owner_rep_id, stage_id,"
        " amount, amount_rc, probability, created_at, closed_at, lead_source) values"
        " (7, 'Team missing', 3, 8, 900, 900, 100, '2026-01-05', '2026-02-05', 'Web'),"
        " (8, 'Stage missing', 1, 42, 800, 800, 50, '2026-01-06', null, 'Web'),"
        " (9, 'Owner missing', 77, 1, 700, 700, 10, '2026-01-07', null, 'Web'),"
        " (10, 'Sourced', 2, 8, 600, 600, 100, '2026-02-01', '2026-03-03', 'Web')"
    )
    return tiny


@pytest.mark.parametrize("viewer", [ADMIN, REP_ONE, MANAGER_A])
def test_overview_deals_drop_what_scoped_deals_drops(odd, viewer) -> None:
    scoped = _scoped(odd, viewer, metrics.DealFilter(), None)
    narrow = _overview(odd, viewer, metrics.DealFilter())
    assert sorted(narrow["opportunity_id"]) == sorted(scoped["opportunity_id"])
    assert not {7, 8, 9} & set(narrow["opportunity_id"])


@pytest.mark.parametrize("by", [None, *metrics.GROUP_BY])
@pytest.mark.parametrize("period", [Q1, metrics.Period(dt.date(2026, 10, 1), dt.date(2027, 1, 1))])
def test_kpis_on_the_hand_made_edge_cases_equal_the_reference(odd, by, period) -> None:
    for viewer in (ADMIN, REP_ONE, MANAGER_A):
        actual = metrics.compute_kpis(odd, viewer, period, by, today=TODAY)
        expected = reference_kpis(odd, viewer, period, by, metrics.DealFilter())
        assert_same_kpis(actual, expected, f"{viewer.role} {period.label} by {by}")


def test_a_group_with_nothing_in_the_period_is_still_listed(odd) -> None:
    quiet = metrics.Period(dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    figures = metrics.compute_kpis(odd, ADMIN, quiet, by="owner", today=TODAY)
    assert [group["key"] for group in figures["groups"]] == ["Rep One", "Rep Two"]
    assert all(group["deals"] == group["won"] == group["open"] == 0 for group in figures["groups"])


def test_deals_without_a_source_form_one_group(odd) -> None:
    figures = metrics.compute_kpis(odd, ADMIN, Q1, by="source", today=TODAY)
    groups = {group["key"]: group for group in figures["groups"]}
    assert set(groups) == {"(none)", "Web"}
    assert (groups["(none)"]["deals"], groups["(none)"]["won"]) == (5, 2)
    assert (groups["Web"]["deals"], groups["Web"]["won"], groups["Web"]["bookings"]) == (
        1,
        1,
        600.0,
    )
    assert groups["(none)"]["open"] == 2  # deals 4 and 6 at the end of Q1


def test_deal_lists_name_the_deals(tiny) -> None:
    frame = metrics.list_deals(tiny, ADMIN, "won", Q1)
    assert frame[["opportunity_id", "owner_name", "stage_name"]].values.tolist() == [
        [2, "Rep One", "Won"],
        [1, "Rep One", "Won"],
    ]
    assert frame["team_name"].tolist() == ["Team A", "Team A"]
    assert frame["territory_name"].isna().all()
    assert metrics.list_deals(tiny, ADMIN, "won", Q1, limit=1)["opportunity_id"].tolist() == [2]
