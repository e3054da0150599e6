"""The derived tables behind the analytics tabs (deal_facts, deal_win_cycles, deal_closings,
next to deal_spans and deal_stage_stays) hold exactly what the raw tables give after every kind of refresh, and
the figures read from them equal the same figures computed from the raw tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import deals, forecast, funnel, sql, territory
from dashboard.auth import Viewer
from dashboard.db import Database, migrate
from dashboard.metrics import DealFilter, Period, add_months
from tests.conftest import build_small_demo
from tests.unit.analytics_fixtures import build_org

SYSTEM = Viewer(1, "system@x", "System", "admin")
# each derived table: a query of the rows its raw tables give, and (where sums of doubles are
# compared rounded) the select of its own rows to compare with them
DERIVED: dict[str, tuple[str, str | None]] = {
    "deal_facts": (
        """
select
    opportunity_id, account_id, owner_rep_id, territory_id, product_id, stage_id,
    lead_source, lead_rating, amount_rc, probability, forecast_category, discount_pct,
    expected_close_date, furthest_stage_order, created_at, closed_at
from opportunities
""",
        None,
    ),
    "deal_win_cycles": (
        """
select
    opportunity_id, stage_id, owner_rep_id, territory_id, product_id, closed_at,
    floor(epoch(closed_at - entered_at) / 86400.0)::integer as whole_days
from deal_stage_stays
where is_won and closed_at is not null
""",
        None,
    ),
    # each closed instant of deal_spans with when the deal's next span starts, by a self-join
    "deal_closings": (
        """
select
    closed.opportunity_id,
    closed.valid_from,
    coalesce(
        (
            select min(later.valid_from)
            from deal_spans as later
            where later.opportunity_id = closed.opportunity_id
                and later.valid_from > closed.valid_from
        ),
        'infinity'::timestamp
    ) as next_span_from,
    closed.stage_id, closed.stage_entered_at, closed.amount_rc, closed.owner_rep_id,
    closed.territory_id, closed.product_id, closed.created_at
from deal_spans as closed
where closed.valid_to = closed.valid_from
""",
        None,
    ),
    # each order of a deal with the deal's scope fields, value and returns, by subqueries over the
    # raw tables
    "order_facts": (
        """
select
    orders.order_id, orders.order_date, orders.order_status, orders.delivery_status,
    orders.opportunity_id, deals.owner_rep_id, deals.territory_id, deals.product_id,
    (select sum(sales_amount) from order_lines where order_lines.order_id = orders.order_id)
        as order_value,
    (select count(*) from returns where returns.order_id = orders.order_id) as returns,
    (select sum(return_amount) from returns where returns.order_id = orders.order_id)
        as return_amount
from orders
inner join opportunities as deals on deals.opportunity_id = orders.opportunity_id
""",
        None,
    ),
    # each deal's open state at every quarter start after the first event's quarter up to the
    # latest event: its last event before the quarter start, replayed from opportunity_events
    "deal_quarter_states": (
        """
with bounds as (
    select min(occurred_at) as first_at, max(occurred_at) as last_at from opportunity_events
),
quarters as (
    select unnest(generate_series(
        date_trunc('quarter', first_at) + interval 3 month, last_at, interval 3 month
    ))::timestamp as quarter_start
    from bounds
),
latest as (
    select
        quarters.quarter_start,
        events.*,
        row_number() over (
            partition by quarters.quarter_start, events.opportunity_id
            order by events.occurred_at desc, events.event_id desc
        ) as newest
    from quarters
    inner join opportunity_events as events on events.occurred_at < quarters.quarter_start
)
select
    latest.quarter_start, latest.opportunity_id, latest.stage_id, latest.amount_rc,
    latest.probability, latest.expected_close_date, latest.forecast_category,
    deals.owner_rep_id, deals.territory_id, deals.product_id
from latest
inner join stages on stages.stage_id = latest.stage_id
inner join opportunities as deals on deals.opportunity_id = latest.opportunity_id
where latest.newest = 1 and not stages.is_won and not stages.is_lost
""",
        None,
    ),
    # deal_win_cycles counted per closing month, rep, stage and whole days
    "win_cycle_days": (
        """
select
    date_trunc('month', closed_at)::date as closed_month, owner_rep_id, stage_id,
    whole_days, count(*) as stays
from deal_win_cycles
group by all
""",
        None,
    ),
    # deal_stage_stays' completed stays counted per month they ended, rep, stage and whole days
    "stay_days": (
        """
select
    date_trunc('month', left_at)::date as left_month, owner_rep_id, stage_id,
    floor(epoch(left_at - entered_at) / 86400)::integer as whole_days, count(*) as stays
from deal_stage_stays
where left_at < 'infinity'::timestamp
group by all
""",
        None,
    ),
    # deal_facts' won and lost deals counted per closing month, rep, stage, furthest stage and
    # cycle days
    "closing_days": (
        """
select
    date_trunc('month', facts.closed_at)::date as closed_month, facts.owner_rep_id,
    facts.stage_id, facts.furthest_stage_order,
    case when stages.is_won then facts.closed_at::date - facts.created_at::date end
        as cycle_days,
    count(*) as deals, sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where facts.closed_at is not null and (stages.is_won or stages.is_lost)
group by all
""",
        None,
    ),
    # deal_facts counted per creation month, rep, stage and furthest stage
    "cohort_counts": (
        """
select
    date_trunc('month', created_at)::date as created_month, owner_rep_id, stage_id,
    furthest_stage_order, count(*) as deals, sum(amount_rc) as amount
from deal_facts
group by all
""",
        None,
    ),
    # deal_facts' won deals per closing month, their account's territory and owner, and product
    "potential_months": (
        """
select
    date_trunc('month', facts.closed_at)::date as closed_month, accounts.territory_id,
    accounts.owner_rep_id, facts.product_id, sum(facts.amount_rc) as amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
inner join accounts on accounts.account_id = facts.account_id
where stages.is_won
group by all
""",
        None,
    ),
    # deal_quarter_states counted per quarter start, rep, due month and forecast category
    "quarter_state_counts": (
        """
select
    quarter_start, owner_rep_id, date_trunc('month', expected_close_date)::date as due_month,
    forecast_category, count(*) as deals, sum(amount_rc) as amount,
    round(sum(amount_rc * probability / 100), 6) as weighted_amount
from deal_quarter_states
group by all
""",
        "select * replace (round(weighted_amount, 6) as weighted_amount) from quarter_state_counts",
    ),
    # deal_facts' open deals per due month, rep and forecast category
    "open_counts": (
        """
select
    date_trunc('month', facts.expected_close_date)::date as due_month, facts.owner_rep_id,
    facts.forecast_category, count(*) as deals, sum(facts.amount_rc) as amount,
    round(sum(facts.amount_rc * facts.probability / 100), 6) as weighted_amount
from deal_facts as facts
inner join stages on stages.stage_id = facts.stage_id
where not stages.is_won and not stages.is_lost
group by all
""",
        "select * replace (round(weighted_amount, 6) as weighted_amount) from open_counts",
    ),
    # deal_facts' won deals per closing month, rep, product, territory and lead source
    "won_counts": (
        """
select
    date_trunc('month', closed_at)::date as closed_month, owner_rep_id, product_id,
    territory_id, lead_source, count(*) as deals, sum(amount_rc) as amount,
    round(sum(gross_amount), 6) as gross_amount
from won_rows(null, null, null, '-infinity'::timestamp, 'infinity'::timestamp)
group by all
""",
        "select * replace (round(gross_amount, 6) as gross_amount) from won_counts",
    ),
}


def differences(cur, table: str) -> int:
    """Rows of a derived table missing from what its raw tables give, and the other way round."""
    raw, kept = DERIVED[table]
    return cur.execute(
        f"with raw as ({raw}), kept as ({kept or f'from {table}'})"  # noqa: S608 - the test's own
        " select (select count(*) from (from kept except all from raw))"
        " + (select count(*) from (from raw except all from kept))"
    ).fetchone()[0]


def assert_derived_match(cur) -> None:
    for table in DERIVED:
        assert differences(cur, table) == 0, table


@pytest.fixture(scope="module")
def workspace():
    database = build_small_demo(deals=400)
    yield database
    database.close()


def test_derived_tables_follow_every_write_and_every_kind_of_refresh(workspace) -> None:
    with workspace.reading() as cur:
        assert funnel.history_is_current(cur)
        assert cur.execute("select count(*) from deal_facts").fetchone()[0] > 0
        assert cur.execute("select count(*) from deal_win_cycles").fetchone()[0] > 0
        assert_derived_match(cur)
        open_ids = [
            row[0]
            for row in cur.execute(
                "select opportunity_id from opportunities"
                " inner join stages on stages.stage_id = opportunities.stage_id"
                " where not stages.is_won and not stages.is_lost"
                " order by opportunity_id limit 4"
            ).fetchall()
        ]
    now = dt.datetime.now().replace(microsecond=0)
    changes = [
        {"stage_id": 8},  # won: a new row of facts and its stays in deal_win_cycles
        {"amount": "12345.67", "probability": "35"},
        {"owner_rep_id": 2, "territory_id": 3},  # scope fields move
        {"stage_id": 9, "loss_reason": "Price"},
    ]
    with workspace.transaction() as cur:
        for opportunity_id, change in zip(open_ids, changes, strict=True):
            deal = deals.get_deal(cur, SYSTEM, opportunity_id)
            deals.update_deal(cur, SYSTEM, opportunity_id, deal["row_version"], change, at=now)
        deals.create_deal(
            cur,
            SYSTEM,
            {"opportunity_name": "New one", "owner_rep_id": 1, "amount": "900"},
            at=now,
        )
    with workspace.reading() as cur:
        assert differences(cur, "deal_facts") > 0  # stale until refreshed
    with workspace.transaction() as cur:
        done = funnel.refresh_history(cur)
        assert (done.mode, done.deals) == ("incremental", 5)
        assert_derived_match(cur)
        won = open_ids[0]
        assert (
            cur.execute(
                "select count(*) from deal_win_cycles where opportunity_id = $id", {"id": won}
            ).fetchone()[0]
            >= 1
        )
    # a won deal reopened and won again: two closings, the first pointing at the reopening
    later = now + dt.timedelta(hours=1)
    with workspace.transaction() as cur:
        deal = deals.get_deal(cur, SYSTEM, won)
        deals.update_deal(cur, SYSTEM, won, deal["row_version"], {"stage_id": 3}, at=later)
        deal = deals.get_deal(cur, SYSTEM, won)
        deals.update_deal(
            cur, SYSTEM, won, deal["row_version"], {"stage_id": 8}, at=later + dt.timedelta(hours=1)
        )
        assert funnel.refresh_history(cur).mode == "incremental"
        assert_derived_match(cur)
        closings = cur.execute(
            "select valid_from, next_span_from from deal_closings where opportunity_id = $id"
            " order by valid_from",
            {"id": won},
        ).fetchall()
        assert len(closings) == 2
        assert closings[0][1] == later  # reopened
        assert closings[1][0] == later + dt.timedelta(hours=1)
        assert closings[1][1] == dt.datetime.max  # infinity: no later span
    # a won deal with orders changes hands: its orders follow on the incremental refresh
    with workspace.transaction() as cur:
        ordered, owner = cur.execute(
            "select orders.opportunity_id, opportunities.owner_rep_id from orders"
            " inner join opportunities using (opportunity_id) order by order_id limit 1"
        ).fetchone()
        deal = deals.get_deal(cur, SYSTEM, ordered)
        deals.update_deal(
            cur, SYSTEM, ordered, deal["row_version"], {"owner_rep_id": 1 if owner != 1 else 2}
        )
        assert funnel.refresh_history(cur).mode == "incremental"
        assert_derived_match(cur)
    # orders, lines and returns added and removed without any deal event (an order import and
    # its undo): order_facts alone is rebuilt
    with workspace.transaction() as cur:
        last = sql.fetch_one(cur, "funnel/measure_order_sources")
        order_id, line_id, return_id = (
            last[key] + 1 for key in ("last_order_id", "last_order_line_id", "last_return_id")
        )
        cur.execute(
            "insert into orders (order_id, opportunity_id, order_date, delivery_status)"
            " values ($order, $deal, current_date, 'late')",
            {"order": order_id, "deal": ordered},
        )
        cur.execute(
            "insert into order_lines (order_line_id, order_id, quantity, sales_amount)"
            " values ($line, $order, 2, 150.5)",
            {"line": line_id, "order": order_id},
        )
        cur.execute(
            "insert into returns (return_id, order_id, returned_date, return_amount)"
            " values ($id, $order, current_date, 75.25)",
            {"id": return_id, "order": order_id},
        )
        assert not funnel.history_is_current(cur)
        done = funnel.refresh_history(cur)
        assert (done.mode, done.orders_rebuilt) == ("none", True)
        assert_derived_match(cur)
        assert funnel.history_is_current(cur)
        cur.execute("delete from returns where order_id = $order", {"order": order_id})
        cur.execute("delete from order_lines where order_id = $order", {"order": order_id})
        cur.execute("delete from orders where order_id = $order", {"order": order_id})
        assert funnel.refresh_history(cur).orders_rebuilt
        assert_derived_match(cur)
    # accounts moved to another territory and owner, without a deal event of their own (a
    # won deal's account keeps its closed deals): potential_months is recounted
    with workspace.transaction() as cur:
        moved = [
            row[0]
            for row in cur.execute(
                "select distinct facts.account_id from deal_facts as facts"
                " inner join stages on stages.stage_id = facts.stage_id"
                " where stages.is_won and facts.account_id is not null"
                " order by facts.account_id limit 2"
            ).fetchall()
        ]
        for account_id in moved:
            cur.execute(
                "update accounts set territory_id = 3, owner_rep_id = 2 where account_id = $id",
                {"id": account_id},
            )
        assert not funnel.history_is_current(cur)
        assert funnel.refresh_history(cur).mode == "none"
        assert_derived_match(cur)
        assert funnel.history_is_current(cur)
    # an event in a quarter the history had not reached: every deal's state at its start
    next_quarter = dt.datetime.combine(Period.quarter_of(now.date()).end, dt.time())
    with workspace.transaction() as cur:
        deal = deals.get_deal(cur, SYSTEM, ordered)
        deals.update_deal(
            cur,
            SYSTEM,
            ordered,
            deal["row_version"],
            {"next_step": "Call back"},
            at=next_quarter + dt.timedelta(days=3),
        )
        assert funnel.refresh_history(cur).mode == "incremental"
        assert_derived_match(cur)
        assert (
            cur.execute(
                "select count(*) from deal_quarter_states where quarter_start = $at",
                {"at": next_quarter},
            ).fetchone()[0]
            > 1
        )
    # rows removed (as an undone import does): a full rebuild
    with workspace.transaction() as cur:
        cur.execute("delete from opportunity_events where opportunity_id = $id", {"id": won})
        cur.execute("delete from opportunities where opportunity_id = $id", {"id": won})
        assert funnel.refresh_history(cur).mode == "full"
        assert_derived_match(cur)
        assert (
            cur.execute(
                "select count(*) from deal_facts where opportunity_id = $id", {"id": won}
            ).fetchone()[0]
            == 0
        )


# --------------------------------------------------------------------------- figures vs raw


def raw(cur, viewer: Viewer, query: str, **params) -> pd.DataFrame:
    """A query over raw_deals: the viewer's deals straight from opportunities, with is_won and
    is_lost of their stage."""
    cur.execute(
        "create or replace temp table raw_deals as"
        " select opportunities.*, stages.is_won, stages.is_lost from opportunities"
        " inner join stages on stages.stage_id = opportunities.stage_id"
        " where opportunities.owner_rep_id in"
        " (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))",
        viewer.scope_params(),
    )
    return cur.execute(query, params).df()


@pytest.fixture(scope="module")
def current(demo_db):
    with demo_db.transaction() as cur:
        funnel.refresh_history(cur)
    return demo_db


@pytest.mark.parametrize("role", ["executive", "manager", "rep"])
def test_funnel_figures_equal_the_raw_tables(current, demo_viewers, role) -> None:
    viewer = demo_viewers[role]
    today = dt.date.today()
    period = Period.quarter_of(today)
    before = Period(add_months(period.start, -3), period.start)
    now = dt.datetime.combine(today, dt.time(23, 59, 59))
    bounds = {"start": period.params()["start"], "end": period.params()["end"]}
    with current.reading() as cur:
        stages = funnel.load_funnel(cur, viewer, period, compare=before)
        cohort = raw(
            cur,
            viewer,
            "select count(*) filter (where furthest_stage_order >= 1) as first,"
            " count(*) filter (where furthest_stage_order >= 7) as last"
            " from raw_deals where created_at >= $start and created_at < $end",
            **bounds,
        ).iloc[0]
        mine = stages[stages["period_no"] == 1].set_index("stage_order")
        assert (mine.loc[1, "reached"], mine.loc[7, "reached"]) == (
            cohort["first"],
            cohort["last"],
        )
        outcome = funnel.load_outcomes(cur, viewer, period, compare=before, now=now)
        row = outcome[outcome["period_no"] == 1].iloc[0]
        closed = raw(
            cur,
            viewer,
            "select count(*) filter (where is_won) as won,"
            " count(*) filter (where is_lost) as lost,"
            " coalesce(sum(amount_rc) filter (where is_won), 0) as bookings,"
            " median(date_diff('day', created_at::date, closed_at::date))"
            " filter (where is_won) as cycle"
            " from raw_deals where closed_at >= $start and closed_at < $end",
            **bounds,
        ).iloc[0]
        assert (row["won"], row["lost"]) == (closed["won"], closed["lost"])
        assert round(row["bookings"], 2) == round(float(closed["bookings"]), 2)
        if closed["won"]:
            assert row["cycle_days_median"] == pytest.approx(float(closed["cycle"]))


@pytest.mark.parametrize("role", ["executive", "manager"])
def test_territory_and_forecast_figures_equal_the_raw_tables(current, demo_viewers, role) -> None:
    viewer = demo_viewers[role]
    today = dt.date.today()
    period = Period.quarter_of(today)
    now = dt.datetime.combine(today, dt.time(23, 59, 59))
    bounds = period.params()
    with current.reading() as cur:
        leaves = territory.load_territories(cur, viewer, period, today=today)
        by_territory = raw(
            cur,
            viewer,
            "select territory_id,"
            " coalesce(sum(amount_rc) filter (where is_won and closed_at >= $start"
            " and closed_at < $end), 0) as bookings,"
            " count(*) filter (where not is_won and not is_lost) as open_deals,"
            " coalesce(sum(amount_rc) filter (where not is_won and not is_lost), 0) as open"
            " from raw_deals group by territory_id",
            **bounds,
        ).set_index("territory_id")
        shown = leaves[leaves["territory_kind"].isin(["state", "country"])].set_index(
            "territory_id"
        )
        compared = 0
        for territory_id, expected in by_territory.iterrows():
            if pd.isna(territory_id) or territory_id not in shown.index:
                continue
            compared += 1
            got = shown.loc[territory_id]
            assert round(got["bookings"], 2) == round(float(expected["bookings"]), 2)
            assert got["open_deals"] == expected["open_deals"]
            assert round(got["open_pipeline"], 2) == round(float(expected["open"]), 2)
        assert compared > 0
        units = forecast.load_forecast(cur, viewer, period, DealFilter(), now)
        total = units[units["unit_level"] == "total"].iloc[0]
        expected = raw(
            cur,
            viewer,
            "select coalesce(sum(amount_rc) filter (where is_won and closed_at >= $start"
            " and closed_at < $end), 0) as bookings,"
            " coalesce(sum(amount_rc) filter (where not is_won and not is_lost"
            " and forecast_category = 'commit' and expected_close_date >= $start::date"
            " and expected_close_date < $end::date), 0) as commit_amount from raw_deals",
            **bounds,
        ).iloc[0]
        assert round(total["bookings"], 2) == round(float(expected["bookings"]), 2)
        assert round(total["commit_amount"], 2) == round(float(expected["commit_amount"]), 2)
        rates = forecast.load_stage_rates(cur, viewer, now=now).set_index("stage_id")
        start, end = forecast._history_window(now)
        cycles = cur.execute(
            "select stage_id, median(floor(epoch(closed_at - entered_at) / 86400.0)) as days"
            " from deal_stage_stays where is_won and closed_at >= $start and closed_at < $end"
            " and owner_rep_id in"
            " (select rep_id from visible_reps($scope_kind, $scope_rep_id, $scope_team_id))"
            " group by stage_id",
            {**viewer.scope_params(), "start": start, "end": end},
        ).df()
        assert len(cycles) > 0
        for cycle in cycles.itertuples():
            assert rates.loc[cycle.stage_id, "median_days_to_win"] == cycle.days
        reached = raw(
            cur,
            viewer,
            "select count(*) as reached, count(*) filter (where is_won) as won from raw_deals"
            " where (is_won or is_lost) and closed_at >= $start and closed_at < $end"
            " and furthest_stage_order >= 3",
            start=start,
            end=end,
        ).iloc[0]
        assert (rates.loc[3, "reached"], rates.loc[3, "won"]) == (
            reached["reached"],
            reached["won"],
        )


@pytest.mark.parametrize(
    ("scope", "mid_month"),
    [
        ({}, False),  # the counts (quarter_state_counts)
        ({"rep_ids": [1, 2]}, False),  # the counts, of two reps
        ({"territory_id": 1}, False),  # the kept states' rows: a filter the counts lack
        ({}, True),  # the rows: a due range of part months
    ],
)
def test_a_quarter_snapshot_reads_the_same_from_the_kept_states_as_from_the_spans(
    workspace, scope, mid_month
) -> None:
    with workspace.reading() as cur:
        quarters = [
            row[0]
            for row in cur.execute(
                "select distinct quarter_start from deal_quarter_states order by 1"
            ).fetchall()
        ]
        assert len(quarters) >= 2
        for at in quarters:
            due = Period.quarter_of(at.date())
            params = {
                "rep_ids": None,
                "territory_id": None,
                "product_id": None,
                **scope,
                "at": at,
                "due_start": due.start + dt.timedelta(days=14 if mid_month else 0),
                "due_end": due.end,
            }
            kept = sql.fetch_one(cur, "forecast/summarise_snapshot", **params, held=True)
            assert kept == sql.fetch_one(cur, "forecast/summarise_snapshot", **params, held=False)
        assert kept["open_deals"] > 0


@pytest.mark.parametrize(
    ("filters", "first_day"),
    [
        ({}, 1),  # whole months: won_counts
        ({"rep_ids": [1, 2]}, 1),
        ({"territory_id": 1}, 1),
        ({"product_id": 2}, 1),
        ({}, 15),  # part months: the deals
    ],
)
def test_gap_dimensions_count_the_won_deals_they_would_read(workspace, filters, first_day) -> None:
    period = Period(dt.date(2025, 11, first_day), dt.date(2026, 11, 1))
    base = Period(dt.date(2024, 11, first_day), dt.date(2025, 11, 1))
    scope = {"rep_ids": None, "territory_id": None, "product_id": None, **filters}
    windows = {**period.params(), "base_start": base.start, "base_end": base.end}
    with workspace.reading() as cur:
        counted = sql.fetch_df(cur, "forecast/summarise_gap_dimensions", **scope, **windows)
        expected = cur.execute(
            "select 'product' as dimension, product_id as key_id, period_no, count(*) as won,"
            " sum(amount_rc) as bookings from ("
            " select 1 as period_no, * from won_rows($rep_ids, $territory_id, $product_id,"
            "  $start, $end)"
            " union all select 2, * from won_rows($rep_ids, $territory_id, $product_id,"
            "  $base_start, $base_end)) group by all",
            {**scope, **windows},
        ).df()
    products = counted[counted["dimension"] == "product"]
    assert products["won"].sum() == expected["won"].sum()
    assert products["won"].sum() > 0 or filters  # the unfiltered years hold won deals
    assert products["bookings"].sum() == expected["bookings"].sum()
    for period_no in (1, 2):
        assert products[products["period_no"] == period_no]["won"].sum() == (
            expected[expected["period_no"] == period_no]["won"].sum()
        )


def test_the_forecast_counts_the_open_deals_it_would_read(workspace) -> None:
    quarter = Period.quarter_of(dt.date(2026, 11, 25))
    params = {"rep_ids": None, "territory_id": None, "product_id": None, **quarter.params()}
    with workspace.reading() as cur:
        counted = sql.fetch_df(cur, "forecast/summarise_forecast", **params)
        expected = cur.execute(
            "select facts.owner_rep_id as unit_id, count(*) as open_deals,"
            " sum(facts.amount_rc) as open_amount,"
            " sum(facts.amount_rc) filter (where facts.forecast_category = 'commit') as commit,"
            " sum(facts.amount_rc * facts.probability / 100)::decimal(18, 2) as weighted"
            " from deal_facts as facts inner join stages using (stage_id)"
            " where not stages.is_won and not stages.is_lost"
            " and facts.expected_close_date >= $start and facts.expected_close_date < $end"
            " group by all",
            quarter.params(),
        ).df()
    reps = counted[counted["unit_level"] == "rep"].merge(expected, on="unit_id")
    assert len(reps) == len(expected) > 0
    assert (reps["open_deals_x"] == reps["open_deals_y"]).all()
    assert (reps["open_amount_x"] == reps["open_amount_y"]).all()
    assert (reps["commit_amount"] == reps["commit"].fillna(0)).all()
    assert (reps["weighted_amount"] - reps["weighted"]).abs().max() <= 0.01


@pytest.mark.parametrize(
    ("first", "last", "filters"),
    [
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {}),  # whole months + a part
        (dt.datetime(2025, 11, 17), dt.datetime(2026, 9, 3), {}),  # parts at both ends
        (dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 28), {}),  # inside one month
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 1), {"rep_ids": [1, 2]}),
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {"product_id": 2}),
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {"territory_id": 1}),
    ],
)
def test_win_cycle_medians_equal_the_median_of_the_stays(workspace, first, last, filters) -> None:
    scope = {"rep_ids": None, "territory_id": None, "product_id": None, **filters}
    with workspace.reading() as cur:
        found = cur.execute(
            "select stage_id, median_days_to_win"
            " from win_cycle_medians($rep_ids, $territory_id, $product_id, $first, $last)"
            " order by stage_id",
            {**scope, "first": first, "last": last},
        ).fetchall()
        expected = cur.execute(
            "select stage_id, quantile_cont(whole_days, 0.5)"
            " from analytics_win_cycles($rep_ids, $territory_id, $product_id)"
            " where closed_at >= $first and closed_at < $last group by stage_id order by stage_id",
            {**scope, "first": first, "last": last},
        ).fetchall()
    assert found == expected
    assert found or filters  # the unfiltered windows hold stays


@pytest.mark.parametrize(
    ("first", "last", "filters"),
    [
        (dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1), {}),  # whole months
        (dt.datetime(2025, 11, 17), dt.datetime(2026, 9, 3), {}),  # parts at both ends
        (dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 28), {}),  # inside one month
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 1), {"rep_ids": [1, 2]}),
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {"product_id": 2}),
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {"territory_id": 1}),
    ],
)
def test_time_in_stage_equals_the_percentiles_of_the_stays(workspace, first, last, filters) -> None:
    scope = {"rep_ids": None, "territory_id": None, "product_id": None, **filters}
    now = dt.datetime(2026, 11, 25, 18)
    with workspace.reading() as cur:
        found = sql.fetch_df(
            cur, "funnel/summarise_time_in_stage", **scope, start=first, end=last, now=now
        )
        expected = cur.execute(
            "with stays as ("
            " select stage_id, left_at = 'infinity'::timestamp as is_current,"
            "  floor(epoch(least(left_at, $now::timestamp) - entered_at) / 86400) as days"
            " from analytics_stays($rep_ids, $territory_id, $product_id)"
            " where (left_at >= $first and left_at < $last)"
            "  or (left_at = 'infinity'::timestamp and entered_at <= $now))"
            " select stage_id, case when is_current then 'current' else 'completed' end as state,"
            "  count(*) as stays, avg(days) as mean_days,"
            "  quantile_cont(days, [0.05, 0.25, 0.5, 0.75, 0.95]) as quantiles"
            " from stays group by all order by state, stage_id",
            {**scope, "first": first, "last": last, "now": now},
        ).df()
    found = found.sort_values(["state", "stage_id"]).reset_index(drop=True)
    assert found[["stage_id", "state", "stays"]].values.tolist() == (
        expected[["stage_id", "state", "stays"]].values.tolist()
    )
    assert found["mean_days"].tolist() == pytest.approx(expected["mean_days"].tolist())
    columns = ["p05_days", "p25_days", "median_days", "p75_days", "p95_days"]
    for row, quantiles in zip(found[columns].values, expected["quantiles"], strict=True):
        assert list(row) == pytest.approx(list(quantiles))
    assert (found["state"] == "completed").any() or filters  # the unfiltered windows hold stays


@pytest.mark.parametrize(
    ("first", "last", "filters"),
    [
        (dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1), {}),  # whole months
        (dt.datetime(2025, 11, 17), dt.datetime(2026, 9, 3), {}),  # parts at both ends
        (dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 28), {}),  # inside one month
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 1), {"rep_ids": [1, 2]}),
        (dt.datetime(2025, 11, 1), dt.datetime(2026, 11, 25), {"product_id": 2}),
    ],
)
@pytest.mark.parametrize(
    ("macro", "keys"),
    [
        (
            "closed_deal_counts",
            "closed_month, owner_rep_id, stage_id, furthest_stage_order, cycle_days",
        ),
        ("created_deal_counts", "created_month, owner_rep_id, stage_id, furthest_stage_order"),
    ],
)
def test_deal_counts_equal_the_deals_they_count(
    workspace, macro, keys, first, last, filters
) -> None:
    scope = {"rep_ids": None, "territory_id": None, "product_id": None, **filters}
    # the macro and keys are the test's own
    counts = f"{macro}($rep_ids, $territory_id, $product_id, $first, $last, $counted)"
    query = (
        f"select {keys}, sum(deals)::bigint, sum(amount) from {counts} group by all order by all"  # noqa: S608
    )
    with workspace.reading() as cur:
        counted, deal_by_deal = (
            cur.execute(query, {**scope, "first": first, "last": last, "counted": flag}).fetchall()
            for flag in (True, False)
        )
        raw_rows = cur.execute(
            f"select count(*) from {counts} where deals <> 1",  # noqa: S608
            {**scope, "first": first, "last": last, "counted": False},
        ).fetchone()[0]
    assert counted == deal_by_deal
    assert raw_rows == 0  # not counted: one row per deal
    assert counted or filters  # the unfiltered windows hold deals


@pytest.mark.parametrize(
    ("first", "last", "product_id"),
    [
        (dt.datetime(2025, 10, 1), dt.datetime(2026, 10, 1), None),  # whole months
        (dt.datetime(2025, 11, 17), dt.datetime(2026, 9, 3), None),  # parts at both ends
        (dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 28), None),  # inside one month
        (dt.datetime(2025, 10, 1), dt.datetime(2026, 10, 1), 2),
    ],
)
def test_account_potential_equals_the_won_deals_of_the_accounts(
    workspace, first, last, product_id
) -> None:
    window = {"first": first, "last": last, "product_id": product_id}
    with workspace.reading() as cur:
        counted = cur.execute(
            "select territory_id, owner_rep_id, potential"
            " from account_potential($first, $last, $product_id) order by all",
            window,
        ).fetchall()
        deal_by_deal = cur.execute(
            "select territory_id, owner_rep_id, sum(amount)"
            " from potential_rows($first, $last, $product_id) group by all order by all",
            window,
        ).fetchall()
    assert counted == deal_by_deal
    assert counted


def test_a_workspace_upgraded_to_the_order_and_quarter_tables_fills_them(workspace) -> None:
    # as migrations 018 and 019 leave them: empty, no order state recorded
    with workspace.transaction() as cur:
        cur.execute("delete from order_facts")
        cur.execute("delete from order_facts_state")
        cur.execute("delete from deal_quarter_states")
        assert not funnel.history_is_current(cur)
        done = funnel.refresh_history(cur)
        assert (done.mode, done.orders_rebuilt) == ("none", True)
        assert differences(cur, "order_facts") == 0
        assert funnel.history_is_current(cur)  # the quarter states wait for the next event
        deal_id = cur.execute("select min(opportunity_id) from opportunities").fetchone()[0]
        deal = deals.get_deal(cur, SYSTEM, deal_id)
        deals.update_deal(cur, SYSTEM, deal_id, deal["row_version"], {"next_step": "Call"})
        assert funnel.refresh_history(cur).mode == "incremental"
        assert_derived_match(cur)
        assert cur.execute("select count(*) from deal_quarter_states").fetchone()[0] > 0


def test_a_quarter_only_the_refreshed_deal_was_open_at_keeps_its_state() -> None:
    # deal A is the only deal open on 2026-01-01, A and B on 2026-04-01; an event of A later
    # in April refreshes A alone
    database = Database(":memory:")
    try:
        migrate(database)
        build_org(database)
        with database.transaction() as cur:
            first = deals.create_deal(
                cur,
                SYSTEM,
                {"opportunity_name": "A", "owner_rep_id": 1, "amount": "100"},
                at=dt.datetime(2025, 12, 20),
            )
            second = deals.create_deal(
                cur,
                SYSTEM,
                {"opportunity_name": "B", "owner_rep_id": 1, "amount": "200"},
                at=dt.datetime(2026, 3, 15),
            )
            deals.update_deal(  # the history reaches April
                cur,
                SYSTEM,
                second.opportunity_id,
                second.row_version,
                {"amount": "250"},
                at=dt.datetime(2026, 4, 5),
            )
            assert funnel.refresh_history(cur).mode == "full"
            held = cur.execute("select count(*) from deal_quarter_states").fetchone()[0]
            assert held == 3  # A on 2026-01-01, A and B on 2026-04-01
            assert_derived_match(cur)
            deals.update_deal(
                cur,
                SYSTEM,
                first.opportunity_id,
                first.row_version,
                {"amount": "150"},
                at=dt.datetime(2026, 4, 10),
            )
            assert funnel.refresh_history(cur).mode == "incremental"
            assert_derived_match(cur)
            deals.create_deal(  # a deal entered late with an older date: an earlier quarter
                cur,
                SYSTEM,
                {"opportunity_name": "C", "owner_rep_id": 1, "amount": "300"},
                at=dt.datetime(2025, 9, 10),
            )
            assert funnel.refresh_history(cur).mode == "incremental"
            assert_derived_match(cur)
            assert (
                cur.execute(
                    "select count(*) from deal_quarter_states where quarter_start = '2025-10-01'"
                ).fetchone()[0]
                == 1
            )
    finally:
        database.close()
