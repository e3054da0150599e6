"""Pack figures on a hand-made workspace whose figures are worked out by hand below.

The period is 2026-Q2 = [2026-04-01, 2026-07-01); "today" is 2026-11-25, so it is over.

Deals (amount, account, rep, recurring, outcome):
  1  1,200 Acme  rep 1 recurring won  2025-05-10   (ARR until 2026-05-10)
  2  1,800 Acme  rep 1 recurring won  2026-05-05   (renewal, bigger: expansion 600)
  3  1,000 Beta  rep 2 recurring won  2025-12-01
  4    500 Beta  rep 2 recurring won  2025-04-20   (ends 2026-04-20: contraction 500)
  5  2,400 Gamma rep 1 recurring won  2026-06-10   (new customer: new 2,400)
  6    900 Delta rep 2 recurring won  2025-06-15   (ends 2026-06-15: churn 900)
  7  3,000 Acme  rep 1 one-off   won  2026-04-15
  8  2,000 Beta  rep 2 one-off   lost 2026-05-20   lead source Partner
  9  4,000 Acme  rep 1 open, 50%, commit,   expected 2026-08-15
 10  1,000 Beta  rep 2 open, 20%, pipeline, expected 2026-09-30, lead source Partner

Q2 bookings = 1,800 + 2,400 + 3,000 = 7,200 (3 won, 1 lost: win rate 75%).
ARR at 2026-04-01: Acme 1,200 + Beta 1,500 + Delta 900 = 3,600; at 2026-07-01: Acme 1,800 +
Beta 1,000 + Gamma 2,400 = 5,200; 3,600 + 2,400 + 600 - 500 - 900 = 5,200.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import metrics
from dashboard.db import Database, migrate
from dashboard.reports import figures, model, periods
from dashboard.reports.figures import PackScope

T = dt.datetime
TODAY = dt.date(2026, 11, 25)
Q2 = periods.parse_period("2026-Q2")
COMPANY = PackScope()
EAST = PackScope("team", 2, "East")

# id, account, rep, product, amount, stage now, created, closed, lead source, probability,
# forecast category, expected close
DEALS = [
    (1, 1, 1, 1, 1200, 8, T(2025, 4, 1, 9), T(2025, 5, 10, 12), "Web", 100, "closed", None),
    (2, 1, 1, 1, 1800, 8, T(2026, 4, 2, 9), T(2026, 5, 5, 12), "Web", 100, "closed", None),
    (3, 2, 2, 1, 1000, 8, T(2025, 11, 1, 9), T(2025, 12, 1, 12), "Web", 100, "closed", None),
    (4, 2, 2, 1, 500, 8, T(2025, 4, 1, 9), T(2025, 4, 20, 12), "Web", 100, "closed", None),
    (5, 3, 1, 1, 2400, 8, T(2026, 5, 1, 9), T(2026, 6, 10, 12), "Event", 100, "closed", None),
    (6, 4, 2, 1, 900, 8, T(2025, 6, 1, 9), T(2025, 6, 15, 12), "Web", 100, "closed", None),
    (7, 1, 1, 2, 3000, 8, T(2026, 4, 1, 9), T(2026, 4, 15, 12), "Referral", 100, "closed", None),
    (8, 2, 2, 2, 2000, 9, T(2026, 4, 10, 9), T(2026, 5, 20, 12), "Partner", 0, "omitted", None),
    (9, 1, 1, 2, 4000, 5, T(2026, 6, 1, 9), None, "Web", 50, "commit", dt.date(2026, 8, 15)),
    (
        10,
        2,
        2,
        2,
        1000,
        2,
        T(2026, 6, 20, 9),
        None,
        "Partner",
        20,
        "pipeline",
        dt.date(2026, 9, 30),
    ),
]
# order id, deal, account, order date, status, country, state, region, lines (qty, sales, profit)
ORDERS = [
    (1, 7, 1, "2026-04-20", "invoiced", "US", "CA", "West", [(2, "3000.0000", "600")]),
    (
        2,
        None,
        2,
        "2026-05-10",
        "invoiced",
        "US",
        "NY",
        "East",
        [(1, "500.5050", "50"), (1, "199.4950", "-10")],
    ),
    (3, None, 3, "2026-06-30", "booked", "CA", "ON", "Central", [(4, "1000.0000", None)]),
    (4, None, 1, "2026-05-01", "cancelled", "US", "CA", "West", [(9, "5000.0000", "0")]),
    (5, None, 1, "2026-03-31", "invoiced", "US", "CA", "West", [(1, "800.0000", "80")]),
]
# order, returned date, amount, reason
RETURNS = [
    (1, "2026-05-02", "300", "Damaged"),
    (5, "2026-04-05", "800", "Wrong item"),
    (2, "2026-07-03", "100", "Damaged"),
]


def insert_workspace(cur) -> None:
    """The hand-made workspace of this module's docstring."""
    cur.execute(
        "insert into teams values (1, 'Company', null, 'company', null),"
        " (2, 'East', 1, 'region', null), (3, 'Team A', 2, 'team', null),"
        " (4, 'West', 1, 'region', null), (5, 'Team B', 4, 'team', null)"
    )
    cur.execute(
        "insert into reps (rep_id, full_name, team_id, hire_date, is_active) values"
        " (1, 'Ann Able', 3, '2020-01-01', true), (2, 'Bob Best', 5, '2026-08-15', true),"
        " (3, 'Cid Gone', 5, '2019-01-01', false)"
    )
    cur.execute(
        "insert into territories values (1, 'World', null, 'world', null, null, null),"
        " (2, 'Region X', 1, 'region', null, null, null),"
        " (3, 'California', 2, 'state', 'US', 'USA', 'US-CA')"
    )
    cur.execute(
        "insert into accounts (account_id, account_name, owner_rep_id, territory_id) values"
        " (1, 'Acme', 1, 3), (2, 'Beta', 2, 3), (3, 'Gamma', 1, 3), (4, 'Delta', 2, 3)"
    )
    cur.execute(
        "insert into products (product_id, sku, product_name, product_family, list_price, is_recurring)"
        " values (1, 'CL', 'Cloud', 'Software', 100, true), (2, 'BX', 'Box', 'Hardware', 100, false)"
    )
    cur.execute(
        "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id, metric, target) values"
        " ('quarter', '2026-04-01', '2026-07-01', 'company', null, 'bookings', 10000),"
        " ('quarter', '2026-04-01', '2026-07-01', 'team', 2, 'bookings', 6000),"
        " ('quarter', '2026-04-01', '2026-07-01', 'team', 4, 'bookings', 5000),"
        " ('quarter', '2026-07-01', '2026-10-01', 'company', null, 'bookings', 8000),"
        " ('quarter', '2026-07-01', '2026-10-01', 'team', 2, 'bookings', 4000)"
    )
    for (
        deal_id,
        account,
        rep,
        product,
        amount,
        stage,
        created,
        closed,
        source,
        probability,
        category,
        expected,
    ) in DEALS:
        cur.execute(
            "insert into opportunities (opportunity_id, opportunity_name, account_id, owner_rep_id,"
            " product_id, territory_id, stage_id, lead_source, amount, amount_rc, probability,"
            " forecast_category, created_at, closed_at, expected_close_date, is_recurring)"
            " values ($id, 'Deal ' || $id, $account, $rep, $product, 3, $stage, $source, $amount,"
            " $amount, $probability, $category, $created, $closed,"
            " coalesce($expected, $closed::date), $product = 1)",
            {
                "id": deal_id,
                "account": account,
                "rep": rep,
                "product": product,
                "stage": stage,
                "source": source,
                "amount": amount,
                "probability": probability,
                "category": category,
                "created": created,
                "closed": closed,
                "expected": expected,
            },
        )
        open_stage = stage if closed is None else 1
        events = [
            (
                created,
                "created",
                open_stage,
                probability if closed is None else 10,
                category if closed is None else "pipeline",
            )
        ]
        if closed is not None:
            events.append((closed, "won" if stage == 8 else "lost", stage, probability, category))
        for at, kind, event_stage, event_probability, event_category in events:
            cur.execute(
                "insert into opportunity_events (opportunity_id, occurred_at, origin, event_type,"
                " stage_id, amount_rc, probability, expected_close_date, owner_rep_id,"
                " forecast_category) values ($id, $at, 'demo', $kind, $stage, $amount,"
                " $probability, coalesce($expected, $at::date), $rep, $category)",
                {
                    "id": deal_id,
                    "at": at,
                    "kind": kind,
                    "stage": event_stage,
                    "amount": amount,
                    "probability": event_probability,
                    "expected": expected,
                    "rep": rep,
                    "category": event_category,
                },
            )
    line_id = 0
    for order_id, deal, account, day, status, country, state, region, lines in ORDERS:
        cur.execute(
            "insert into orders (order_id, opportunity_id, account_id, order_date, order_status,"
            " country, state, region, customer_name) values ($id, $deal, $account, $day, $status,"
            " $country, $state, $region, 'name on order')",
            {
                "id": order_id,
                "deal": deal,
                "account": account,
                "day": day,
                "status": status,
                "country": country,
                "state": state,
                "region": region,
            },
        )
        for quantity, sales, profit in lines:
            line_id += 1
            cur.execute(
                "insert into order_lines (order_line_id, order_id, category, quantity, sales_amount, profit)"
                " values ($line, $order, 'Things', $quantity, $sales::decimal(18, 4), $profit::decimal(18, 4))",
                {
                    "line": line_id,
                    "order": order_id,
                    "quantity": quantity,
                    "sales": sales,
                    "profit": profit,
                },
            )
    for order_id, day, amount, reason in RETURNS:
        cur.execute(
            "insert into returns (order_id, returned_date, return_amount, reason)"
            " values ($order, $day, $amount::decimal(18, 4), $reason)",
            {"order": order_id, "day": day, "amount": amount, "reason": reason},
        )
    cur.execute("insert into partners (partner_name) values ('Acme Resellers'), ('Beta Alliance')")
    cur.execute(
        "insert into deal_partners (opportunity_id, partner_id, involvement) values"
        " (7, 1, 'sourced'), (5, 1, 'influenced'), (5, 2, 'influenced'), (10, 2, 'sourced')"
    )
    cur.execute(
        "insert into sm_spend (spend_month, category, amount) values"
        " ('2026-01-01', 'sales', 3000), ('2026-02-01', 'marketing', 1000),"
        " ('2026-04-01', 'sales', 5000), ('2026-05-01', 'marketing', 2000),"
        " ('2026-06-01', 'marketing', -500)"
    )


@pytest.fixture
def tiny(db):
    """The workspace, for tests that change it."""
    with db.transaction() as cur:
        insert_workspace(cur)
    return db


@pytest.fixture(scope="module")
def computed():
    """Packs of the unchanged workspace, computed once per module: computed(kind, scope, period)."""
    database = Database(":memory:")
    migrate(database)
    with database.transaction() as cur:
        insert_workspace(cur)
    cache: dict[tuple, dict] = {}

    def get(kind: str, scope: PackScope = COMPANY, period=Q2) -> dict:
        if (kind, scope, period) not in cache:
            cache[(kind, scope, period)] = pack(database, kind, scope, period)
        return cache[(kind, scope, period)]

    yield get
    database.close()


def pack(db, kind: str, scope: PackScope = COMPANY, period=Q2) -> dict:
    with db.reading() as cur:
        return figures.compute_pack(cur, kind, period, scope, today=TODAY)


def value(pack_figures: dict, section: str, key: str):
    return model.figure_value(pack_figures, section, key)


def records(pack_figures: dict, section: str, table: str) -> list[dict]:
    return model.table_records(model.find_table(model.find_section(pack_figures, section), table))


def test_periods_parse_and_compare() -> None:
    assert (Q2.start, Q2.end, Q2.kind) == (dt.date(2026, 4, 1), dt.date(2026, 7, 1), "quarter")
    assert Q2.previous().label == "2026-Q1"
    assert Q2.year_ago().label == "2025-Q2"
    assert Q2.following().label == "2026-Q3"
    assert periods.parse_period("2026-07").end == dt.date(2026, 8, 1)
    assert periods.parse_period("2026").previous().label == "2025"
    span = periods.parse_period("2024-02-29..2024-03-09")
    assert (span.start, span.end, span.previous().last_day) == (
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 10),
        dt.date(2024, 2, 28),
    )
    assert span.year_ago().start == dt.date(2023, 2, 28)


@pytest.mark.parametrize("text", ["2026-Q5", "Q3", "2026-13", "2026-02-30..2026-03-01", ""])
def test_a_wrong_period_says_how_to_write_one(text: str) -> None:
    with pytest.raises(Exception, match="2026-Q3|does not exist"):
        periods.parse_period(text)


def test_sales_figures_are_the_overview_kpis_with_growth(tiny) -> None:
    investor = pack(tiny, "investor")
    assert value(investor, "sales", "bookings") == 7200.0
    assert value(investor, "sales", "won") == 3
    assert value(investor, "sales", "lost") == 1
    assert value(investor, "sales", "win_rate") == 0.75
    assert value(investor, "sales", "avg_deal_size") == 2400.0
    # Q1 2026 had no bookings: no growth figure; Q2 2025 had 1,200 + 500 + 900 = 2,600
    assert value(investor, "sales", "bookings_growth_previous") is None
    assert value(investor, "sales", "bookings_year_ago") == 2600.0
    assert value(investor, "sales", "bookings_growth_yoy") == round((7200 - 2600) / 2600, 6)
    with tiny.reading() as cur:
        kpis = metrics.compute_kpis(cur, COMPANY.viewer(), Q2.period, today=TODAY)
    assert value(investor, "sales", "win_rate_value") == round(kpis["win_rate_value"], 6)
    trend = records(investor, "sales", "trend")
    assert [row["period"] for row in trend] == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert [row["bookings"] for row in trend] == [2600.0, 0.0, 1000.0, 0.0, 7200.0]


def test_revenue_comes_from_orders_less_returns(computed) -> None:
    investor = computed("investor")
    # 3,000 + 500.505 + 199.495 + 1,000; the cancelled order and the Q1 order are left out
    assert value(investor, "revenue", "gross_sales") == 4700.0
    # returns dated in Q2: 300 (order 1) + 800 (a Q1 order returned in April)
    assert value(investor, "revenue", "returns") == 1100.0
    assert value(investor, "revenue", "net_revenue") == 3600.0
    assert value(investor, "revenue", "gross_profit") == 640.0
    assert value(investor, "revenue", "gross_margin") == round(640 / 4700, 6)
    assert value(investor, "revenue", "orders") == 3
    assert value(investor, "revenue", "customers") == 3
    assert value(investor, "revenue", "return_rate") == round(1100 / 4700, 6)
    # Q1: 800 gross, no returns
    assert value(investor, "revenue", "net_revenue_growth_previous") == 3.5
    by_month = records(investor, "revenue", "by_month")
    assert [(row["month"], row["gross_sales"], row["return_amount"]) for row in by_month] == [
        ("2026-04", 3000.0, 800.0),
        ("2026-05", 700.0, 300.0),
        ("2026-06", 1000.0, 0.0),
    ]


def test_plan_forecast_and_next_period_coverage(computed) -> None:
    investor = computed("investor")
    assert value(investor, "plan", "plan") == 10000.0
    assert value(investor, "plan", "attainment") == 0.72
    assert value(investor, "plan", "variance") == -2800.0
    assert value(investor, "plan", "forecast") == 7200.0  # the quarter is over
    assert value(investor, "plan", "next_plan") == 8000.0
    # open at 2026-07-01 and due in Q3: deal 9 (4,000 at 50%, commit) and deal 10 (1,000 at 20%)
    assert value(investor, "plan", "next_open_due") == 5000.0
    assert value(investor, "plan", "next_open_deals") == 2
    assert value(investor, "plan", "next_weighted") == 2200.0
    assert value(investor, "plan", "next_commit") == 4000.0
    assert value(investor, "plan", "next_coverage") == 0.625
    divisions = records(investor, "plan", "by_division")
    assert divisions == [
        {
            "unit_name": "East",
            "plan": 6000.0,
            "bookings": 7200.0,
            "variance": 1200.0,
            "attainment": 1.2,
        },
        {
            "unit_name": "West",
            "plan": 5000.0,
            "bookings": 0.0,
            "variance": -5000.0,
            "attainment": 0.0,
        },
    ]


def test_a_running_quarter_forecasts_bookings_plus_weighted_pipeline(tiny) -> None:
    with tiny.reading() as cur:
        running = figures.compute_pack(
            cur, "investor", periods.parse_period("2026-Q3"), COMPANY, today=dt.date(2026, 7, 10)
        )
    assert value(running, "plan", "bookings") == 0.0
    assert value(running, "plan", "forecast") == 2200.0  # 0 + 4,000 x 50% + 1,000 x 20%
    assert value(running, "plan", "forecast_vs_plan") == 0.275


def test_arr_bridge_adds_up_and_retention_follows_the_cohort(computed) -> None:
    recurring = model.find_section(computed("investor"), "recurring")
    got = {item["key"]: item["value"] for item in recurring["figures"]}
    assert got["arr_start"] == 3600.0
    assert got["new_arr"] == 2400.0
    assert got["expansion_arr"] == 600.0
    assert got["contraction_arr"] == 500.0
    assert got["churned_arr"] == 900.0
    assert got["arr_end"] == 5200.0
    assert got["mrr_end"] == round(5200 / 12, 4)
    assert (
        got["customers_start"],
        got["customers_end"],
        got["customers_new"],
        got["customers_churned"],
    ) == (3, 3, 1, 1)
    # cohort of 2025-07-01: Acme 1,200, Beta 500, Delta 900 = 2,600; a year on: Acme 1,800,
    # Beta 1,000, Delta 0 (Gamma is new and does not count)
    assert got["nrr"] == round(2800 / 2600, 6)
    assert got["grr"] == round((2600 - 900) / 2600, 6)
    bridge = model.table_records(recurring["tables"][0])
    assert [row["arr"] for row in bridge] == [3600.0, 2400.0, 600.0, -500.0, -900.0, 5200.0]


def test_no_recurring_deals_means_no_arr_section_figures(tiny) -> None:
    with tiny.transaction() as cur:
        cur.execute("update opportunities set is_recurring = false")
    recurring = model.find_section(pack(tiny, "investor"), "recurring")
    assert recurring["figures"] == []
    assert "marked recurring" in recurring["notes"][0]


def test_cac_payback_and_magic_number_from_entered_spend(computed) -> None:
    efficiency = model.find_section(computed("investor"), "efficiency")
    got = {item["key"]: item["value"] for item in efficiency["figures"]}
    assert got["sm_spend"] == 6500.0  # 5,000 + 2,000 - 500 (a correction)
    assert got["sm_spend_previous"] == 4000.0
    assert got["new_customers"] == 1  # Gamma's first win; Acme and Beta won before
    assert got["cac"] == 6500.0
    # (new 2,400 + expansion 600) / 12 = 250 MRR added
    assert got["cac_payback_months"] == 26.0
    # net new ARR 1,600 / last quarter's spend 4,000
    assert got["magic_number"] == 0.4


def test_without_spend_the_pack_says_how_to_enter_it(tiny) -> None:
    with tiny.transaction() as cur:
        cur.execute("delete from sm_spend")
    efficiency = model.find_section(pack(tiny, "investor"), "efficiency")
    assert efficiency["figures"] == []
    assert "No sales & marketing spend is entered for 2026-Q2" in efficiency["notes"][0]


def test_customer_concentration_and_returns(computed) -> None:
    investor = computed("investor")
    assert value(investor, "customers", "customers") == 3
    assert value(investor, "customers", "top1_share") == round(3000 / 4700, 6)
    assert value(investor, "customers", "top5_share") == 1.0
    top = records(investor, "customers", "top_customers")
    assert [(row["customer"], row["gross_sales"]) for row in top] == [
        ("Acme", 3000.0),
        ("Gamma", 1000.0),
        ("Beta", 700.0),
    ]
    assert value(investor, "returns", "return_amount") == 1100.0
    assert value(investor, "returns", "orders_returned") == 2
    reasons = records(investor, "returns", "by_reason")
    assert [(row["reason"], row["return_amount"]) for row in reasons] == [
        ("Wrong item", 800.0),
        ("Damaged", 300.0),
    ]


def test_headcount_counts_active_reps_hired_before_the_end(computed) -> None:
    board = computed("board")
    assert value(board, "team", "headcount") == 1  # Bob joins in August, Cid left
    assert value(board, "team", "bookings_per_rep") == 7200.0
    per_rep = records(board, "team", "per_rep")
    assert [(row["full_name"], row["bookings"], row["win_rate"]) for row in per_rep] == [
        ("Ann Able", 7200.0, 1.0),
    ]
    investor = computed("investor")
    assert "per_rep" not in [
        table["key"] for table in model.find_section(investor, "team")["tables"]
    ]


def test_a_team_pack_sees_only_its_reps_deals_and_orders(computed) -> None:
    east = computed("investor", EAST)
    assert value(east, "sales", "bookings") == 7200.0
    assert value(east, "sales", "lost") == 0
    # Beta (Bob's account) is out: 3,000 (Acme) + 1,000 (Gamma); the April return of Acme's
    # Q1 order is in
    assert value(east, "revenue", "gross_sales") == 4000.0
    assert value(east, "revenue", "returns") == 1100.0
    assert value(east, "plan", "plan") == 6000.0
    assert [row["unit_name"] for row in records(east, "plan", "by_division")] == ["East"]
    efficiency = model.find_section(east, "efficiency")
    assert efficiency["figures"] == [] and "company packs only" in efficiency["notes"][0]


def test_partner_pack_per_partner_and_in_total(computed) -> None:
    partner = computed("partner")
    # sourced: deal 7 (won 3,000), deal 8 (lead source Partner, lost), deal 10 (open)
    assert value(partner, "partner_summary", "sourced_bookings") == 3000.0
    assert value(partner, "partner_summary", "sourced_won") == 1
    assert value(partner, "partner_summary", "sourced_win_rate") == 0.5
    assert value(partner, "partner_summary", "sourced_share") == round(3000 / 7200, 6)
    # influenced: deal 5 by two partners counts once in the total
    assert value(partner, "partner_summary", "influenced_bookings") == 2400.0
    assert value(partner, "partner_summary", "influenced_share") == round(2400 / 7200, 6)
    assert value(partner, "partner_summary", "referral_bookings") == 3000.0
    sourced = records(partner, "partners", "sourced")
    assert [
        (
            row["partner_name"],
            row["won"],
            row["lost"],
            row["win_rate"],
            row["bookings"],
            row["open_deals"],
            row["open_pipeline"],
        )
        for row in sourced
    ] == [
        ("Acme Resellers", 1, 0, 1.0, 3000.0, 0, 0.0),
        ("(partner not recorded)", 0, 1, 0.0, 0.0, 0, 0.0),
        ("Beta Alliance", 0, 0, None, 0.0, 1, 1000.0),
    ]
    influenced = records(partner, "partners", "influenced")
    assert [(row["partner_name"], row["bookings"]) for row in influenced] == [
        ("Acme Resellers", 2400.0),
        ("Beta Alliance", 2400.0),
    ]


def test_a_removed_partner_link_no_longer_counts(tiny) -> None:
    with tiny.transaction() as cur:
        cur.execute("update deal_partners set removed_at = now() where opportunity_id = 7")
    partner = pack(tiny, "partner")
    assert value(partner, "partner_summary", "sourced_bookings") == 0.0
    assert "Acme Resellers" not in [
        row["partner_name"] for row in records(partner, "partners", "sourced")
    ]


def test_government_pack_by_country_state_and_month(computed) -> None:
    government = computed("government")
    assert value(government, "government", "gross_sales") == 4700.0
    assert value(government, "government", "return_amount") == 1100.0
    assert value(government, "government", "net_sales") == 3600.0
    assert value(government, "government", "countries") == 2
    assert value(government, "government", "jurisdictions") == 3
    countries = records(government, "government", "by_country")
    assert [
        (row["country"], row["gross_sales"], row["return_amount"], row["net_sales"])
        for row in countries
    ] == [
        ("CA", 1000.0, 0.0, 1000.0),
        ("US", 3700.0, 1100.0, 2600.0),
    ]
    states = records(government, "states", "by_state")
    assert [
        (
            row["country"],
            row["state"],
            row["orders"],
            row["quantity"],
            row["gross_sales"],
            row["returns"],
            row["net_sales"],
        )
        for row in states
    ] == [
        ("CA", "ON", 1, 4.0, 1000.0, 0, 1000.0),
        ("US", "CA", 1, 2.0, 3000.0, 2, 1900.0),
        ("US", "NY", 1, 2.0, 700.0, 0, 700.0),
    ]
    monthly = records(government, "monthly", "by_state_month")
    assert [
        (row["state"], row["month"], row["gross_sales"], row["return_amount"]) for row in monthly
    ] == [
        ("ON", "2026-06", 1000.0, 0.0),
        ("CA", "2026-04", 3000.0, 800.0),
        ("CA", "2026-05", 0.0, 300.0),
        ("NY", "2026-05", 700.0, 0.0),
    ]


def test_management_pack_plan_vs_actual_by_division_product_and_region(computed) -> None:
    management = computed("management")
    assert value(management, "summary", "plan") == 10000.0
    assert value(management, "summary", "bookings") == 7200.0
    teams = records(management, "divisions", "by_team")
    assert [(row["unit_name"], row["plan"], row["bookings"]) for row in teams] == [
        ("Team A", None, 7200.0),
        ("Team B", None, 0.0),
    ]
    products = records(management, "products", "by_product")
    assert [(row["unit_name"], row["won"], row["bookings"]) for row in products] == [
        ("Cloud", 2, 4200.0),
        ("Box", 1, 3000.0),
    ]
    regions = records(management, "regions", "by_territory")
    assert [(row["unit_name"], row["bookings"]) for row in regions] == [("Region X", 7200.0)]
    revenue = records(management, "regions", "revenue_by_region")
    assert [(row["dimension_value"], row["gross_sales"], row["profit"]) for row in revenue] == [
        ("West", 3000.0, 600.0),
        ("Central", 1000.0, None),
        ("East", 700.0, 40.0),
    ]


def test_a_month_of_a_quarterly_plan_gets_its_share_of_days(computed) -> None:
    management = computed("management", period=periods.parse_period("2026-04"))
    # 10,000 over the 91 days of Q2: April's 30 days
    assert value(management, "summary", "plan") == round(10000 * 30 / 91, 2)
    divisions = records(management, "divisions", "by_division")
    assert divisions[0]["plan"] == round(6000 * 30 / 91, 2)


def test_every_pack_lists_the_definitions_it_uses(computed) -> None:
    for kind in figures.PACK_KINDS:
        terms = [item["term"] for item in computed(kind)["definitions"]]
        assert terms and all(item for item in terms)
    investor_terms = [item["term"] for item in computed("investor")["definitions"]]
    for term in ("Bookings", "ARR bridge", "NRR", "GRR", "CAC payback", "Magic number"):
        assert term in investor_terms


def test_the_same_data_gives_the_same_canonical_text(tiny, computed) -> None:
    first = model.canonical_json(pack(tiny, "board"))
    second = model.canonical_json(computed("board"))
    assert first == second
    assert model.content_hash(first) == model.content_hash(second)


def test_demo_packs_agree_with_the_overview_figures(demo_db) -> None:
    last_quarter = periods.quarter(dt.date.today()).previous()
    with demo_db.reading() as cur:
        kpis = metrics.compute_kpis(cur, COMPANY.viewer(), last_quarter.period)
        goal = metrics.load_goal_total(cur, ("company", None), last_quarter.period)
        board = figures.compute_pack(cur, "board", last_quarter)
        government = figures.compute_pack(cur, "government", last_quarter)
        management = figures.compute_pack(cur, "management", last_quarter)
    assert value(board, "sales", "bookings") == kpis["bookings"]
    assert value(board, "sales", "win_rate") == round(kpis["win_rate"], 6)
    # the overview spreads the goal per month, rounding each month to the cent
    assert value(board, "plan", "plan") == pytest.approx(goal, abs=0.05)
    bridge = {
        item["key"]: item["value"] for item in model.find_section(board, "recurring")["figures"]
    }
    assert bridge["arr_start"] + bridge["new_arr"] + bridge["expansion_arr"] - bridge[
        "contraction_arr"
    ] - bridge["churned_arr"] == pytest.approx(bridge["arr_end"])
    assert value(government, "government", "gross_sales") == pytest.approx(
        value(board, "revenue", "gross_sales")
    )
    divisions = records(management, "divisions", "by_division")
    assert sum(row["plan"] for row in divisions) == pytest.approx(goal, abs=1)
    assert sum(row["bookings"] for row in divisions) == pytest.approx(kpis["bookings"])
    assert len(records(board, "team", "per_rep")) == 60
