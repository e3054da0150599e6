"""Pack figures on a real retailer's order lines (../shared/datasets/superstore/edition_2020),
checked against the reference figures in ../shared/datasets/README.md and, for returns,
against the same files read with Python's csv module."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT
from dashboard.db import Database, migrate
from dashboard.reports import figures, model, periods

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
SUPERSTORE = DATASETS / "superstore" / "edition_2020"
ALL_YEARS = periods.parse_period("2019-01-01..2022-12-31")

pytestmark = [
    pytest.mark.datasets,
    pytest.mark.skipif(
        not (SUPERSTORE / "Sample - Superstore.csv").exists(),
        reason=f"the shared datasets are not at {SUPERSTORE}",
    ),
]

# Superstore's columns with explicit types: dates are DD/MM/YY, postal codes stay text.
COLUMNS = {
    "Row ID": "BIGINT",
    "Order ID": "VARCHAR",
    "Order Date": "DATE",
    "Ship Date": "DATE",
    "Ship Mode": "VARCHAR",
    "Customer ID": "VARCHAR",
    "Customer Name": "VARCHAR",
    "Segment": "VARCHAR",
    "Country/Region": "VARCHAR",
    "City": "VARCHAR",
    "State/Province": "VARCHAR",
    "Postal Code": "VARCHAR",
    "Region": "VARCHAR",
    "Product ID": "VARCHAR",
    "Category": "VARCHAR",
    "Sub-Category": "VARCHAR",
    "Product Name": "VARCHAR",
    "Sales": "DECIMAL(18, 4)",
    "Quantity": "INTEGER",
    "Discount": "DECIMAL(7, 4)",
    "Profit": "DECIMAL(18, 4)",
}


def load_superstore(cur, folder: Path) -> None:
    """Superstore order lines into orders/order_lines, and its returned orders into returns
    (every line of a returned order, at its sales amount, dated the ship date: the file has
    no return date or amount)."""
    cur.execute(
        "create temp table superstore as select * from read_csv($path, header = true,"
        " dateformat = '%d/%m/%y', columns = $columns)",
        {"path": str(folder / "Sample - Superstore.csv"), "columns": COLUMNS},
    )
    cur.execute(
        'create temp table superstore_returns as select distinct "Order ID" as order_key'
        " from read_csv($path, header = true, columns = {'Returned': 'VARCHAR', 'Order ID': 'VARCHAR'})"
        " where Returned = 'Yes'",
        {"path": str(folder / "Returns.csv")},
    )
    cur.execute(
        """
        insert into orders (order_date, ship_date, ship_mode, order_status, delivery_status,
            customer_name, segment_name, country, state, city, postal_code, region,
            source_system, external_id)
        select min("Order Date"), min("Ship Date"), min("Ship Mode"), 'invoiced', 'not_applicable',
            min("Customer Name"), min("Segment"), min("Country/Region"), min("State/Province"),
            min("City"), min("Postal Code"), min("Region"), 'superstore', "Order ID"
        from superstore
        group by "Order ID"
        order by "Order ID"
        """
    )
    cur.execute(
        """
        insert into order_lines (order_id, product_name, category, quantity, discount_pct,
            sales_amount, profit, external_id)
        select orders.order_id, superstore."Product Name", superstore."Category",
            superstore."Quantity", superstore."Discount", superstore."Sales", superstore."Profit",
            superstore."Row ID"::varchar
        from superstore
        inner join orders on orders.external_id = superstore."Order ID"
        order by superstore."Row ID"
        """
    )
    cur.execute(
        """
        insert into returns (order_id, order_line_id, returned_date, return_amount, reason)
        select orders.order_id, order_lines.order_line_id, orders.ship_date,
            order_lines.sales_amount, 'Returned'
        from superstore_returns
        inner join orders on orders.external_id = superstore_returns.order_key
        inner join order_lines on order_lines.order_id = orders.order_id
        """
    )


@pytest.fixture(scope="module")
def retailer() -> Database:
    database = Database(":memory:")
    migrate(database)
    with database.transaction() as cur:
        load_superstore(cur, SUPERSTORE)
    yield database
    database.close()


def compute(retailer: Database, kind: str, period: periods.ReportPeriod) -> dict:
    with retailer.reading() as cur:
        return figures.compute_pack(cur, kind, period)


def rows_of(pack: dict, section: str, table: str) -> list[dict]:
    return model.table_records(model.find_table(model.find_section(pack, section), table))


def reference_returns() -> tuple[Decimal, int]:
    """Sales of the lines of returned orders shipped (so returned) by the end of 2022, and how
    many such orders, by the csv module."""
    with open(SUPERSTORE / "Returns.csv", encoding="utf-8-sig", newline="") as file:
        returned = {row["Order ID"] for row in csv.DictReader(file) if row["Returned"] == "Yes"}
    total, orders = Decimal(0), set()
    with open(SUPERSTORE / "Sample - Superstore.csv", encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            shipped = dt.datetime.strptime(row["Ship Date"], "%d/%m/%y").date()
            if row["Order ID"] in returned and shipped <= ALL_YEARS.last_day:
                total += Decimal(row["Sales"])
                orders.add(row["Order ID"])
    return total, len(orders)


def test_the_data_loaded_as_the_readme_describes(retailer) -> None:
    with retailer.reading() as cur:
        lines, orders, first, last = cur.execute(
            "select count(*), count(distinct order_id), min(order_date), max(order_date)"
            " from order_lines inner join orders using (order_id)"
        ).fetchone()
    assert (lines, orders) == (10194, 5111)
    assert (first.isoformat(), last.isoformat()) == ("2019-01-03", "2022-12-30")


def test_government_pack_gives_sales_by_state_as_the_reference(retailer) -> None:
    government = compute(retailer, "government", ALL_YEARS)
    assert model.figure_value(government, "government", "gross_sales") == 2326534.3543
    assert model.figure_value(government, "government", "quantity") == 38654
    assert model.figure_value(government, "government", "countries") == 2
    states = {row["state"]: row for row in rows_of(government, "states", "by_state")}
    assert states["California"]["gross_sales"] == 457687.6315
    assert states["New York"]["gross_sales"] == 310876.2710
    assert states["Texas"]["gross_sales"] == 170188.0458
    top = rows_of(government, "states", "top_states")
    assert top[0]["state"] == "California"
    by_country = {row["country"]: row for row in rows_of(government, "government", "by_country")}
    assert by_country["United States"]["gross_sales"] + by_country["Canada"][
        "gross_sales"
    ] == pytest.approx(2326534.3543, abs=1e-6)


@pytest.mark.parametrize(
    ("year", "sales"),
    [("2019", 494040.2121), ("2020", 472993.0310), ("2021", 613933.5800), ("2022", 745567.5312)],
)
def test_yearly_revenue_matches_the_reference(retailer, year, sales) -> None:
    government = compute(retailer, "government", periods.parse_period(year))
    assert model.figure_value(government, "government", "gross_sales") == sales
    monthly = rows_of(government, "monthly", "by_state_month")
    assert sum(row["gross_sales"] for row in monthly) == pytest.approx(sales, abs=1e-6)
    assert {row["month"][:4] for row in monthly} == {year}


def test_management_pack_gives_revenue_and_profit_by_region(retailer) -> None:
    management = compute(retailer, "management", ALL_YEARS)
    regions = {
        row["dimension_value"]: row for row in rows_of(management, "regions", "revenue_by_region")
    }
    expected = {
        "Central": (503170.6728, 39865.3070),
        "East": (691828.1680, 94883.2603),
        "South": (391721.9050, 46749.4303),
        "West": (739813.6085, 110798.8170),
    }
    assert {name: (row["gross_sales"], row["profit"]) for name, row in regions.items()} == expected
    assert model.figure_value(management, "summary", "gross_profit") == 292296.8146


def test_returns_follow_the_returned_orders(retailer) -> None:
    amount, orders = reference_returns()
    investor = compute(retailer, "investor", ALL_YEARS)
    assert model.figure_value(investor, "returns", "return_amount") == float(amount)
    assert model.figure_value(investor, "returns", "orders_returned") == orders
    assert model.figure_value(investor, "revenue", "net_revenue") == round(
        float(Decimal("2326534.3543") - amount), 4
    )
    government = compute(retailer, "government", ALL_YEARS)
    by_state = rows_of(government, "states", "by_state")
    assert sum(row["return_amount"] for row in by_state) == pytest.approx(float(amount), abs=1e-6)


def test_2022_investor_revenue_growth_and_concentration(retailer) -> None:
    investor = compute(retailer, "investor", periods.parse_period("2022"))
    assert model.figure_value(investor, "revenue", "gross_sales") == 745567.5312
    assert model.figure_value(investor, "revenue", "net_revenue_growth_yoy") is not None
    per_customer: dict[str, Decimal] = defaultdict(Decimal)
    with open(SUPERSTORE / "Sample - Superstore.csv", encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if row["Order Date"].endswith("/22"):
                per_customer[row["Customer Name"]] += Decimal(row["Sales"])
    largest = max(per_customer.items(), key=lambda item: item[1])
    top = rows_of(investor, "customers", "top_customers")
    assert (top[0]["customer"], top[0]["gross_sales"]) == (largest[0], float(largest[1]))
    assert model.figure_value(investor, "customers", "customers") == len(per_customer)
    assert model.figure_value(investor, "customers", "top1_share") == round(
        float(largest[1] / Decimal("745567.5312")), 6
    )
