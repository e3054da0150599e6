"""The demo generator's invariants: deterministic, realistic, and its history agrees with its state."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import demo, funnel, metrics
from dashboard.errors import ValidationError
from tests.conftest import DEMO_DEALS, TODAY, build_small_demo


def scalar(cur, text: str, params: dict | None = None):
    return cur.execute(text, params or {}).fetchone()[0]


def test_demo_has_the_organisation_the_issue_asks_for(demo_db) -> None:
    with demo_db.reading() as cur:
        counts = cur.execute(
            "select team_level, count(*) from teams group by 1 order by 1"
        ).fetchall()
        assert dict(counts) == {"company": 1, "region": 3, "team": 9}
        assert scalar(cur, "select count(*) from reps") == 60
        assert scalar(cur, "select count(*) from accounts") == 2000
        assert scalar(cur, "select count(*) from products") == 8
        assert scalar(cur, "select count(distinct product_family) from products") == 3
        assert scalar(cur, "select count(*) from territories where territory_kind = 'state'") == 51
        assert (
            scalar(cur, "select count(*) from territories where territory_kind = 'country'") >= 10
        )
        assert scalar(cur, "select count(*) from opportunities") == DEMO_DEALS
        assert demo.is_demo(cur)


def test_current_state_equals_the_last_event_of_every_deal(demo_db) -> None:
    with demo_db.reading() as cur:
        mismatches = scalar(
            cur,
            """
            with last_events as (
                select opportunity_id,
                    arg_max(struct_pack(stage_id, amount_rc, probability, expected_close_date,
                                        owner_rep_id, forecast_category), (occurred_at, event_id)) as state
                from opportunity_events group by opportunity_id
            )
            select count(*)
            from opportunities as o
            left join last_events as e on e.opportunity_id = o.opportunity_id
            where e.state is null
                or e.state.stage_id <> o.stage_id
                or e.state.amount_rc <> o.amount_rc
                or e.state.probability <> o.probability
                or e.state.expected_close_date is distinct from o.expected_close_date
                or e.state.owner_rep_id <> o.owner_rep_id
                or e.state.forecast_category <> o.forecast_category
        """,
        )
    assert mismatches == 0


def test_every_deal_starts_with_a_created_event_and_history_moves_forward(demo_db) -> None:
    with demo_db.reading() as cur:
        first_not_created = scalar(
            cur,
            """
            select count(*) from (
                select opportunity_id, arg_min(event_type, (occurred_at, event_id)) as first_type
                from opportunity_events group by opportunity_id
            ) where first_type <> 'created'
        """,
        )
        backwards = scalar(
            cur,
            """
            select count(*) from (
                select stage_id, lag(stage_id) over (partition by opportunity_id order by occurred_at, event_id) as previous
                from opportunity_events where event_type in ('created', 'stage_changed')
            ) where previous is not null and stage_id <> previous + 1
        """,
        )
        future = scalar(
            cur,
            "select count(*) from opportunity_events where occurred_at > $now",
            {"now": dt.datetime.combine(TODAY, dt.time(18, 0))},
        )
    assert first_not_created == 0
    assert backwards == 0
    assert future == 0


def test_closed_deals_are_consistent(demo_db) -> None:
    with demo_db.reading() as cur:
        assert (
            scalar(
                cur,
                "select count(*) from opportunities where stage_id in (8, 9) and closed_at is null",
            )
            == 0
        )
        assert (
            scalar(
                cur,
                "select count(*) from opportunities where stage_id not in (8, 9) and closed_at is not null",
            )
            == 0
        )
        assert (
            scalar(
                cur, "select count(*) from opportunities where stage_id = 9 and loss_reason is null"
            )
            == 0
        )
        assert scalar(cur, "select count(*) from opportunities where closed_at < created_at") == 0
        won = scalar(cur, "select count(*) from opportunities where stage_id = 8")
        assert scalar(cur, "select count(*) from orders") == won
        assert (
            scalar(
                cur,
                """select count(*) from orders join order_lines using (order_id)
                              join opportunities using (opportunity_id)
                              where order_lines.sales_amount <> opportunities.amount""",
            )
            == 0
        )
        assert scalar(cur, "select count(*) from returns") > 0


def test_conversion_is_realistic(demo_db, demo_viewers) -> None:
    with demo_db.reading() as cur:
        figures = metrics.compute_kpis(cur, demo_viewers["admin"], metrics.Period(), today=TODAY)
        sources = {
            row[0]
            for row in cur.execute("select distinct lead_source from opportunities").fetchall()
        }
        ratings = {
            row[0]
            for row in cur.execute("select distinct lead_rating from opportunities").fetchall()
        }
    assert 0.15 < figures["win_rate"] < 0.45
    assert 0.02 < figures["open"] / DEMO_DEALS < 0.2
    assert 20 < figures["cycle_days_median"] < 150
    assert "Referral" in sources
    assert ratings == {"cold", "warm", "hot"}


def test_goals_roll_up_from_reps_to_company(demo_db) -> None:
    with demo_db.reading() as cur:
        unequal = scalar(
            cur,
            """
            select count(*) from goals as parent
            join (select parent_goal_id, sum(target) as total from goals
                  where parent_goal_id is not null group by 1) as children
              on children.parent_goal_id = parent.goal_id
            where children.total <> parent.target
        """,
        )
        orphans = scalar(
            cur,
            "select count(*) from goals where parent_goal_id is null and scope_kind <> 'company'",
        )
        quarters = scalar(cur, "select count(*) from goals where scope_kind = 'company'")
    assert unequal == 0
    assert orphans == 0
    assert quarters >= 13  # three years of quarters and the next one


def test_the_same_seed_gives_the_same_workspace() -> None:
    fingerprint = """
        select count(*), sum(amount_rc), sum(hash(opportunity_id, stage_id, created_at, closed_at))
        from opportunities
    """
    first, second, other = (build_small_demo(deals=500, seed=seed) for seed in (3, 3, 4))
    with first.reading() as a, second.reading() as b, other.reading() as c:
        assert a.execute(fingerprint).fetchall() == b.execute(fingerprint).fetchall()
        assert a.execute(fingerprint).fetchall() != c.execute(fingerprint).fetchall()


def test_demo_refuses_a_workspace_that_has_data(demo_db) -> None:
    with pytest.raises(ValidationError, match="empty workspace"):
        demo.build_demo(demo_db, deals=500)


def test_demo_users_have_scopes(demo_viewers) -> None:
    assert demo_viewers["rep"].rep_id is not None
    assert demo_viewers["manager"].team_id is not None
    assert {viewer.role for viewer in demo_viewers.values()} == {
        "admin",
        "executive",
        "manager",
        "rep",
        "analyst",
    }


def test_new_rows_after_the_demo_get_fresh_ids(demo_db) -> None:
    with demo_db.transaction() as cur:
        team_id = cur.execute(
            "insert into teams (team_name, team_level) values ('New team', 'team') returning team_id"
        ).fetchone()[0]
        assert team_id == 14
        cur.execute("delete from teams where team_id = 14")


@pytest.mark.parametrize(
    ("highest", "following"),
    [
        ("select max(account_id) from accounts", "select nextval('seq_accounts')"),
        ("select max(opportunity_id) from opportunities", "select nextval('seq_opportunities')"),
        ("select max(order_id) from orders", "select nextval('seq_orders')"),
        ("select max(order_line_id) from order_lines", "select nextval('seq_order_lines')"),
    ],
)
def test_each_sequence_is_past_the_highest_id_the_demo_wrote(demo_db, highest, following) -> None:
    # order ids are the won deals' ids, so they are sparse: counting rows is not enough
    with demo_db.reading() as cur:
        assert scalar(cur, following) > scalar(cur, highest)


def test_the_demo_has_compensation_and_the_funnel_history(demo_db) -> None:
    with demo_db.reading() as cur:
        plans = scalar(cur, "select count(*) from comp_plans")
        closed = scalar(cur, "select count(*) from comp_period_closes")
        history_current = funnel.history_is_current(cur)
    assert plans == 2
    assert closed == 3
    assert history_current


def test_furthest_stage_agrees_with_the_history(demo_db) -> None:
    with demo_db.reading() as cur:
        mismatches = scalar(
            cur,
            """
            with reached as (
                select opportunity_id, max(stages.sort_order) as furthest
                from opportunity_events join stages using (stage_id)
                where not stages.is_lost
                group by opportunity_id
            )
            select count(*) from opportunities join reached using (opportunity_id)
            where least(reached.furthest, 7) <> opportunities.furthest_stage_order
        """,
        )
    assert mismatches == 0
