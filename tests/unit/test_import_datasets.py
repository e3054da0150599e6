"""Every file of ../shared/datasets imports (or is refused with the reason), and the reference
figures of /work/shared/datasets/README.md come out exactly, through the functions the pages
use: dashboard.metrics.compute_kpis for deals, dashboard.importing.figures for orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest

from dashboard import metrics
from dashboard.db import Database, migrate
from dashboard.importing import ImportRefused, batches, figures, planning
from tests.unit.test_import_support import (
    ANALYST,
    DATASETS,
    WORKSPACE_TABLES,
    dump,
)

pytestmark = [pytest.mark.datasets, pytest.mark.slow]

# relative path -> (kind it loads as, None) or (None, words of the refusal)
EXPECTED = {
    "maven_crm/sales_teams.csv": ("reps", None),
    "maven_crm/accounts.csv": ("accounts", None),
    "maven_crm/products.csv": ("products", None),
    "maven_crm/sales_pipeline.csv": ("deals", None),
    "maven_crm/data_dictionary.csv": (None, "do not match any kind of record"),
    "maven_crm/variants/sales_pipeline_excel_resaved_mdy_dates.csv": ("deals", None),
    "maven_crm/variants/data_model_layout_not_a_dictionary.csv": (None, "is not a data table"),
    "superstore/edition_2020/Sample - Superstore.csv": ("orders", None),
    "superstore/edition_2020/Returns.csv": ("returns", None),
    "superstore/edition_2020/People.csv": ("reps", None),
    "superstore/edition_classic/Sample - Superstore.csv": ("orders", None),
    "salesforce_export/Account.csv": ("accounts", None),
    "salesforce_export/Opportunity.csv": ("deals", None),
    "salesforce_export/OpportunityHistory.csv": (None, "OpportunityHistory"),
    "salesforce_export/OpportunityCompetitor.csv": (None, "has no rows"),
}


@pytest.fixture(scope="module", autouse=True)
def datasets_present() -> None:
    if not DATASETS.is_dir():
        pytest.skip(f"the shared datasets are not at {DATASETS}")


def _empty() -> Database:
    database = Database(":memory:")
    migrate(database)
    return database


def _plans(database: Database, *names: str, **options):
    plans = []
    with database.reading() as cur:
        for name in names:
            path = DATASETS / name
            plans.extend(planning.plan_file(cur, ANALYST, path.name, path.read_bytes()))
    for plan in plans:
        for key, value in options.items():
            setattr(plan.mapping, key, value)
    return plans


def _load(database: Database, *names: str, **options):
    return planning.load(database, ANALYST, _plans(database, *names, **options))


@contextmanager
def _loaded(*names: str, **options) -> Iterator[tuple[Database, list]]:
    """A new workspace with these dataset files loaded, and the load results; closed after."""
    database = _empty()
    try:
        yield database, _load(database, *names, **options)
    finally:
        database.close()


def test_every_file_is_known() -> None:
    found = {
        str(path.relative_to(DATASETS))
        for path in DATASETS.rglob("*")
        if path.suffix.lower() in (".csv", ".xlsx")
    }
    assert found == set(EXPECTED), "a dataset file was added or removed: say what it should do"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_loads_or_is_refused_with_the_reason(name) -> None:
    kind, refusal = EXPECTED[name]
    database = _empty()
    path = DATASETS / name
    if kind is None:
        with pytest.raises(ImportRefused, match=refusal):
            with database.reading() as cur:
                plans = planning.plan_file(cur, ANALYST, path.name, path.read_bytes())
            planning.preview(database, ANALYST, plans)
        with database.reading() as cur:
            assert cur.execute("select count(*) from import_batches").fetchone()[0] == 0
        return
    with database.reading() as cur:
        plans = planning.plan_file(cur, ANALYST, path.name, path.read_bytes())
    assert [plan.mapping.kind for plan in plans] == [kind]
    for plan in plans:
        plan.mapping.create_reps = True
    dependencies = {
        "superstore/edition_2020/Returns.csv": "superstore/edition_2020/Sample - Superstore.csv"
    }
    if name in dependencies:
        _load(database, dependencies[name])
    results = planning.preview(database, ANALYST, plans)
    assert results[0].rows > 0
    assert results[0].count("rejected") == 0, results[0].rejects[:3]
    database.close()


# ---------------------------------------------------------------- Maven CRM


@pytest.fixture(scope="module")
def maven():
    with _loaded(
        "maven_crm/sales_teams.csv",
        "maven_crm/accounts.csv",
        "maven_crm/products.csv",
        "maven_crm/sales_pipeline.csv",
    ) as loaded:
        yield loaded


def test_maven_loads_every_row(maven) -> None:
    _, results = maven
    summary = {result.file_name: (result.rows, result.count("new")) for result in results}
    assert summary == {
        "sales_teams.csv": (35, 35),
        "accounts.csv": (85, 85),
        "products.csv": (7, 7),
        "sales_pipeline.csv": (8800, 8800),
    }
    assert results[-1].load_path == "bulk"
    assert not results[-1].created  # its reps, accounts and products came from the other files


def test_maven_stages_win_rate_and_won_value(maven) -> None:
    database, _ = maven
    with database.reading() as cur:
        totals = metrics.compute_kpis(cur, ANALYST, by="stage")
    by_stage = {group["key"]: group for group in totals["groups"]}
    assert by_stage["Won"]["won"] == 4238
    assert by_stage["Lost"]["lost"] == 2473
    assert by_stage["Approach"]["open"] == 1589  # Maven's Engaging
    assert by_stage["Prospecting"]["open"] == 500
    assert (totals["won"], totals["lost"]) == (4238, 2473)
    assert round(totals["win_rate"], 4) == 0.6315
    assert totals["bookings"] == 10_005_534


def test_maven_won_by_regional_office(maven) -> None:
    database, _ = maven
    expected = {
        "Central": (3_346_293, 0.6256),
        "East": (3_090_594, 0.6302),
        "West": (3_568_647, 0.6394),
    }
    with database.reading() as cur:
        offices = dict(
            cur.execute(
                "select team_name, team_id from teams where team_level = 'region'"
            ).fetchall()
        )
        for office, (bookings, win_rate) in expected.items():
            figures_ = metrics.compute_kpis(
                cur, ANALYST, filters=metrics.DealFilter(team_id=offices[office])
            )
            assert figures_["bookings"] == bookings
            assert round(figures_["win_rate"], 4) == win_rate


def test_maven_top_agents_and_cycle(maven) -> None:
    database, _ = maven
    with database.reading() as cur:
        by_owner = metrics.compute_kpis(cur, ANALYST, by="owner")
    top = [(group["key"], group["bookings"]) for group in by_owner["groups"][:3]]
    assert top == [
        ("Darcel Schlecht", 1_153_214),
        ("Vicki Laflamme", 478_396),
        ("Kary Hendrixson", 454_298),
    ]
    assert round(by_owner["cycle_days_mean"], 2) == 51.78
    assert by_owner["cycle_days_median"] == 57


def test_maven_excel_resaved_variant_gives_the_same_figures() -> None:
    with _loaded(
        "maven_crm/variants/sales_pipeline_excel_resaved_mdy_dates.csv", create_reps=True
    ) as (database, results):
        assert results[0].count("new") == 8800
        with database.reading() as cur:
            totals = metrics.compute_kpis(cur, ANALYST)
    assert (totals["won"], totals["lost"], totals["bookings"]) == (4238, 2473, 10_005_534)
    assert round(totals["cycle_days_mean"], 2) == 51.78


def test_maven_undo_in_reverse_order_empties_the_workspace(maven) -> None:
    database, results = maven
    with database.transaction() as cur:
        with pytest.raises(batches.UndoRefused, match="Undo the later batch"):
            batches.undo_batch(cur, ANALYST, results[0].batch_id)
    empty = _empty()
    for result in reversed(results):
        with database.transaction() as cur:
            batches.undo_batch(cur, ANALYST, result.batch_id)
    for table in WORKSPACE_TABLES:
        assert dump(database, table).equals(dump(empty, table)), table
    empty.close()


# ---------------------------------------------------------------- Superstore


@pytest.fixture(scope="module")
def superstore():
    with _loaded(
        "superstore/edition_2020/People.csv",
        "superstore/edition_2020/Sample - Superstore.csv",
        "superstore/edition_2020/Returns.csv",
    ) as loaded:
        yield loaded


def _orders(database, by=None):
    with database.reading() as cur:
        frame = figures.summarise_orders(cur, ANALYST, by)
    return {row.group_key: row for row in frame.itertuples()}


def test_superstore_totals(superstore) -> None:
    database, results = superstore
    assert [(result.kind, result.rows, result.count("rejected")) for result in results] == [
        ("reps", 4, 0),
        ("orders", 10194, 0),
        ("returns", 800, 0),
    ]
    total = _orders(database)["All"]
    assert (round(total.sales, 4), round(total.profit, 4), total.quantity) == (
        2_326_534.3543,
        292_296.8146,
        38_654,
    )
    assert (total.orders, total.lines) == (5111, 10194)
    with database.reading() as cur:
        assert cur.execute("select min(order_date), max(order_date) from orders").fetchone() == (
            dt.date(2019, 1, 3),
            dt.date(2022, 12, 30),
        )
        # postal codes stay text: leading zeros and Canadian codes survive
        codes = {row[0] for row in cur.execute("select postal_code from orders").fetchall()}
    assert any(code.startswith("0") for code in codes if code)
    assert any(not code.isdigit() for code in codes if code)


def test_superstore_by_region_state_and_year(superstore) -> None:
    database, _ = superstore
    regions = _orders(database, "region")
    assert {key: (round(row.sales, 4), round(row.profit, 4)) for key, row in regions.items()} == {
        "Central": (503_170.6728, 39_865.3070),
        "East": (691_828.1680, 94_883.2603),
        "South": (391_721.9050, 46_749.4303),
        "West": (739_813.6085, 110_798.8170),
    }
    states = list(_orders(database, "state").values())[:3]
    assert [(row.group_key, round(row.sales, 4)) for row in states] == [
        ("California", 457_687.6315),
        ("New York", 310_876.2710),
        ("Texas", 170_188.0458),
    ]
    years = _orders(database, "year")
    assert {key: round(row.sales, 4) for key, row in years.items()} == {
        "2019": 494_040.2121,
        "2020": 472_993.0310,
        "2021": 613_933.5800,
        "2022": 745_567.5312,
    }


def test_superstore_returns_cover_296_orders(superstore) -> None:
    database, results = superstore
    returned = results[-1]
    assert (returned.count("new"), returned.count("unchanged")) == (296, 504)
    with database.reading() as cur:
        assert cur.execute("select count(distinct order_id) from returns").fetchone()[0] == 296


def test_superstore_2020_dates_are_day_month(superstore) -> None:
    database, _ = superstore
    with database.reading() as cur:
        # Row ID 1: order 03/01/19 shipped 07/01/19 = 3 and 7 January 2019
        row = cur.execute(
            "select orders.order_date, orders.ship_date from order_lines"
            " join orders using (order_id) where order_lines.external_id = '1'"
        ).fetchone()
    assert [value.isoformat() for value in row] == ["2019-01-03", "2019-01-07"]


def test_superstore_classic_edition() -> None:
    with _loaded("superstore/edition_classic/Sample - Superstore.csv") as (database, results):
        total = _orders(database)["All"]
        regions = _orders(database, "region")
        with database.reading() as cur:
            blank, short = cur.execute(
                "select count(*) filter (where postal_code is null),"
                " count(*) filter (where length(postal_code) = 4) from orders"
            ).fetchone()
    assert (results[0].rows, results[0].count("new")) == (9994, 9994)
    assert (round(total.sales, 4), round(total.profit, 4)) == (2_297_200.8603, 286_397.0217)
    assert {key: round(row.sales, 4) for key, row in regions.items()} == {
        "Central": 501_239.8908,
        "East": 678_781.2400,
        "South": 391_721.9050,
        "West": 725_457.8245,
    }
    assert blank > 0 and short > 0  # kept as the file has them, not padded or guessed


# ---------------------------------------------------------------- Salesforce data export


@pytest.fixture(scope="module")
def salesforce():
    with _loaded(
        "salesforce_export/Opportunity.csv", "salesforce_export/Account.csv", create_reps=True
    ) as loaded:
        yield loaded


def test_salesforce_won_open_and_weighted(salesforce) -> None:
    database, results = salesforce
    assert [(result.kind, result.count("new")) for result in results] == [
        ("accounts", 12),
        ("deals", 31),
    ]
    with database.reading() as cur:
        totals = metrics.compute_kpis(cur, ANALYST)
    assert (totals["won"], totals["lost"], totals["win_rate"]) == (18, 0, 1.0)
    assert totals["bookings"] == 3_645_000
    assert (totals["open"], totals["open_pipeline"]) == (13, 2_115_000)
    assert totals["weighted_pipeline"] == 1_094_500


def test_salesforce_won_by_account_billing_state(salesforce) -> None:
    database, _ = salesforce
    with database.reading() as cur:
        by_state = figures.summarise_deals(cur, ANALYST, "account_state")
    won = {row.group_key: row.won_amount for row in by_state.itertuples() if row.won_amount}
    assert won == {
        "NY": 2_100_000,
        "IL": 650_000,
        "NC": 235_000,
        "OR": 220_000,
        "TX": 185_000,
        "AZ": 140_000,
        "CA": 115_000,
    }


def test_salesforce_null_ids_and_booleans(salesforce) -> None:
    database, _ = salesforce
    with database.reading() as cur:
        linked = cur.execute(
            "select count(*) filter (where account_id is not null), count(*) from opportunities"
        ).fetchone()
        probabilities = cur.execute(
            "select min(probability), max(probability) from opportunities"
            " join stages using (stage_id) where not is_won"
        ).fetchone()
    assert linked == (31, 31)
    assert probabilities == (Decimal("10.00"), Decimal("90.00"))
