"""Territory figures, map data, workload, and reassignment with preview and history, on the
hand-made history of analytics_fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import funnel, territory
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.geo import load_shapes
from dashboard.metrics import Period
from tests.unit.analytics_fixtures import ADMIN, ANALYST, EXEC, MANAGER_A, REP_ANN, build_story

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))


@pytest.fixture
def story(db):
    """The story on the `db` fixture: in memory here, on the shared store in
    tests/store/test_territory_on_store.py."""
    build_story(db)
    return db


def rows(frame):
    return frame.set_index("territory_name")


def test_bookings_pipeline_and_accounts_roll_up_the_hierarchy(story) -> None:
    with story.reading() as cur:
        frame = rows(territory.load_territories(cur, ADMIN, Q1, today=dt.date(2026, 4, 15)))
    assert frame.loc["California", "bookings"] == 1000  # D1
    assert (frame.loc["California", "won"], frame.loc["California", "lost"]) == (1, 1)
    assert frame.loc["California", "win_rate"] == 0.5
    assert frame.loc["Germany", "open_pipeline"] == 2800  # D3 2500 + D4 300, open now
    assert frame.loc["World", "bookings"] == 1000
    assert frame.loc["World", "open_pipeline"] == 2800
    assert frame.loc["Region", "accounts"] == 2
    assert frame.loc["World", "reps_assigned"] == 2
    assert frame.loc["Germany", "depth"] == 3 and frame.loc["World", "depth"] == 0
    # Q1 2026 has 64 working days (Jan 22, Feb 20, Mar 22)
    assert frame.loc["World", "sales_per_selling_day"] == pytest.approx(1000 / 64)
    # the company goal for Q1 (2000) shared by potential (bookings in 2025: none) -> no goal
    assert frame.loc["World", "goal_source"] == "none"


def test_goals_are_derived_from_potential_and_explicit_goals_win(story) -> None:
    with story.reading() as cur:
        frame = rows(territory.load_territories(cur, ADMIN, Q2, today=dt.date(2026, 5, 1)))
    # potential = bookings in [2025-04-01, 2026-04-01): account 1 (California) won D1 1000
    assert frame.loc["California", "potential"] == 1000
    assert frame.loc["California", "goal"] == 5000  # the whole company goal
    assert frame.loc["Germany", "goal"] == 0
    assert frame.loc["California", "attainment"] == pytest.approx(800 / 5000)  # D5
    with story.transaction() as cur:
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values ('quarter', '2026-04-01', '2026-07-01', 'territory', 4,"
            " 'bookings', 3000)"
        )
    with story.reading() as cur:
        frame = rows(territory.load_territories(cur, ADMIN, Q2, today=dt.date(2026, 5, 1)))
    assert frame.loc["Germany", "goal"] == 3000 and frame.loc["Germany", "goal_source"] == "set"


def test_a_monthly_goal_inside_the_quarter_wins_its_month_only(story) -> None:
    # May's own goals for Ann and Germany, inside the quarter of their quarterly ones (or
    # the company's): May counts the monthly goal, April and June their share of the quarter
    with story.transaction() as cur:
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values"
            " ('quarter', '2026-04-01', '2026-07-01', 'territory', 4, 'bookings', 3000),"
            " ('month', '2026-05-01', '2026-06-01', 'territory', 4, 'bookings', 500),"
            " ('month', '2026-05-01', '2026-06-01', 'rep', 1, 'bookings', 100)"
        )
    outside_may = 60 / 91  # April and June: 60 of the quarter's 91 days
    with story.reading() as cur:
        frame = rows(territory.load_territories(cur, ADMIN, Q2, today=dt.date(2026, 5, 1)))
        reps = territory.load_rep_workload(cur, ADMIN, Q2).set_index("rep_name")
    assert frame.loc["Germany", "goal"] == pytest.approx(3000 * outside_may + 500, abs=0.01)
    assert reps.loc["Ann", "goal"] == pytest.approx(1000 * outside_may + 100, abs=0.01)
    assert reps.loc["Bob", "goal"] == 4000  # no monthly goal: the quarter's


def test_map_rows_use_the_codes_of_the_shipped_shapes(story) -> None:
    with story.reading() as cur:
        frame = territory.load_territories(cur, ADMIN, Q1, today=dt.date(2026, 4, 15))
    areas = territory.map_figures(frame)
    assert areas["states"]["code"].tolist() == ["US-CA"]
    assert set(areas["countries"]["code"]) == {"DEU", "USA"}
    usa = areas["countries"].set_index("code").loc["USA"]
    assert usa["bookings"] == 1000
    state_ids = {feature["id"] for feature in load_shapes("states")["features"]}
    country_ids = {feature["id"] for feature in load_shapes("countries")["features"]}
    assert {"US-CA", "US-NY", "US-TX", "US-DC"} <= state_ids and len(state_ids) >= 51
    assert {"DEU", "USA", "SGP", "GBR", "JPN", "BRA", "IND"} <= country_ids


def test_demo_territory_codes_all_have_shapes(demo_db, demo_viewers) -> None:
    with demo_db.reading() as cur:
        frame = territory.load_territories(
            cur, demo_viewers["executive"], Period.quarter_of(dt.date.today())
        )
    areas = territory.map_figures(frame)
    state_ids = {feature["id"] for feature in load_shapes("states")["features"]}
    country_ids = {feature["id"] for feature in load_shapes("countries")["features"]}
    assert set(areas["states"]["code"]) <= state_ids and len(areas["states"]) == 51
    assert set(areas["countries"]["code"]) <= country_ids
    world = frame.set_index("territory_kind").loc["world"]
    leaves = frame[frame["territory_kind"].isin(["state", "country"])]
    assert world["bookings"] == pytest.approx(leaves["bookings"].sum())


def test_workload_per_rep(story) -> None:
    with story.reading() as cur:
        reps = territory.load_rep_workload(cur, ADMIN, Q2).set_index("rep_name")
    assert reps.loc["Ann", "accounts"] == 1 and reps.loc["Ann", "potential"] == 1000
    assert reps.loc["Ann", "goal"] == 1000 and reps.loc["Ann", "bookings"] == 800
    assert reps.loc["Bob", "open_deals"] == 2 and reps.loc["Bob", "open_pipeline"] == 2800
    assert reps.loc["Ann", "potential_index"] == 1.0  # alone in the team


def test_reps_may_not_see_territories(story) -> None:
    with story.reading() as cur:
        with pytest.raises(PermissionDenied):
            territory.load_territories(cur, REP_ANN, Q1)
        scoped = rows(territory.load_territories(cur, MANAGER_A, Q1, today=dt.date(2026, 4, 15)))
    assert "Germany" not in scoped.index  # Team A has nothing there
    assert scoped.loc["World", "bookings"] == 1000


def test_preview_shows_the_effect_and_applying_moves_accounts_and_open_deals(story) -> None:
    moves = [territory.Move(account_id=2, to_territory_id=3, to_owner_rep_id=1)]
    with story.reading() as cur:
        preview = territory.preview_reassignment(cur, ADMIN, moves, Q2).set_index("territory_name")
    assert preview.loc["Germany", "accounts_before"] == 1
    assert preview.loc["Germany", "accounts_after"] == 0
    assert preview.loc["California", "open_pipeline_before"] == 0
    assert preview.loc["California", "open_pipeline_after"] == 2800
    with story.transaction() as cur:
        with pytest.raises(PermissionDenied):
            territory.apply_reassignment(cur, EXEC, moves)
    with story.transaction() as cur:
        applied = territory.apply_reassignment(
            cur, ADMIN, moves, note="Bob leaves", at=dt.datetime(2026, 5, 2, 9)
        )
    assert (applied.accounts_moved, applied.deals_moved) == (1, 2)
    with story.transaction() as cur:
        assert funnel.refresh_history(cur).mode == "incremental"
    with story.reading() as cur:
        frame = rows(territory.load_territories(cur, ADMIN, Q2, today=dt.date(2026, 5, 2)))
        assert frame.loc["California", "open_pipeline"] == 2800
        assert "Germany" not in frame.index
        history = territory.list_reassignments(cur, ANALYST)
        assert history[
            ["account_name", "from_territory", "to_territory", "to_owner"]
        ].values.tolist() == [["Bosch Lab", "Germany", "California", "Ann"]]
        events = cur.execute(
            "select count(*) from opportunity_events where field_name = 'territory'"
        ).fetchone()[0]
        assert events == 2  # each moved deal's history records the move
        ann = funnel.load_funnel(cur, REP_ANN, Q1)
        assert ann[ann["stage_order"] == 1]["reached"].iloc[0] == 4  # Bob's deals are Ann's now


def test_rules_propose_moves_and_skip_pinned_accounts(story) -> None:
    with story.transaction() as cur:
        rule_id = territory.save_rule(
            cur, ADMIN, territory.Rule(territory_id=3, match_country="de", note="one team")
        )
        with pytest.raises(ValidationError, match="at least one condition"):
            territory.save_rule(cur, ADMIN, territory.Rule(territory_id=3))
        with pytest.raises(PermissionDenied):
            territory.save_rule(cur, MANAGER_A, territory.Rule(territory_id=3, match_state="CA"))
    with story.reading() as cur:
        proposed = territory.propose_rule_moves(cur, ADMIN)
    assert proposed[["account_id", "to_territory", "rule_id"]].values.tolist() == [
        [2, "California", rule_id]
    ]
    with story.transaction() as cur:
        territory.apply_reassignment(
            cur, ADMIN, [territory.Move(2, 4)], "manual", at=dt.datetime(2026, 5, 3)
        )
    with story.reading() as cur:
        assert territory.propose_rule_moves(cur, ADMIN).empty  # pinned by the manual move
    with story.transaction() as cur:
        territory.retire_rule(cur, ADMIN, rule_id)
    with story.reading() as cur:
        rules = territory.list_rules(cur, ADMIN)
    assert rules[["rule_id", "version", "is_active"]].values.tolist() == [[rule_id, 2, False]]


def test_a_rule_is_created_edited_and_applied(story) -> None:
    # rules that move accounts out of the territory they sit in (CA to Germany, DE to
    # California), so that each rule proposes a move
    with story.transaction() as cur:
        first = territory.save_rule(
            cur,
            ADMIN,
            territory.Rule(territory_id=4, match_state="ca", note="every CA account to Germany"),
        )
        second = territory.save_rule(
            cur, ADMIN, territory.Rule(territory_id=3, match_country="DE", min_employees=1000)
        )
    assert second != first  # each new rule draws its own id from seq_territory_rules
    with story.reading() as cur:
        proposed = territory.propose_rule_moves(cur, ADMIN)
    assert proposed[["account_id", "to_territory", "rule_id"]].values.tolist() == [
        [1, "Germany", first],
        [2, "California", second],
    ]
    with story.transaction() as cur:  # edit: the first rule now needs an industry as well
        assert (
            territory.save_rule(
                cur,
                ADMIN,
                territory.Rule(territory_id=4, match_state="CA", match_industry="Mining"),
                rule_id=first,
            )
            == first
        )
    with story.reading() as cur:
        rules = territory.list_rules(cur, ADMIN).set_index("rule_id")
        proposed = territory.propose_rule_moves(cur, ADMIN)
    assert rules.loc[first, "version"] == 2 and rules.loc[first, "match_industry"] == "Mining"
    assert rules.loc[second, "version"] == 1
    assert proposed[["account_id", "rule_id"]].values.tolist() == [[2, second]]
    moves = [
        territory.Move(int(row.account_id), int(row.to_territory_id), rule_id=int(row.rule_id))
        for row in proposed.itertuples()
    ]
    with story.transaction() as cur:
        applied = territory.apply_reassignment(
            cur, ADMIN, moves, kind="rules", at=dt.datetime(2026, 5, 4, 9)
        )
    assert (applied.accounts_moved, applied.deals_moved) == (1, 2)  # Bosch Lab, D3 and D4
    with story.reading() as cur:
        history = territory.list_reassignments(cur, ADMIN)
        moved = cur.execute("select territory_id from accounts where account_id = 2").fetchone()
        assert territory.propose_rule_moves(cur, ADMIN).empty  # nothing left to move
    assert moved == (3,)
    assert history[["account_name", "from_territory", "to_territory"]].values.tolist() == [
        ["Bosch Lab", "Germany", "California"]
    ]
