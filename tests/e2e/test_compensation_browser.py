"""What only a browser shows of compensation: a rep's page holds their own statement and no
one else's; the charts draw; the payroll downloads as a file."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from dashboard import auth, demo
from dashboard.compensation.common import quarter_of
from dashboard.compensation.statements import compute_statements
from tests.conftest import TODAY, build_small_demo
from tests.e2e.conftest import serve, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def comp_workspace(tmp_path_factory) -> dict:
    """A demo workspace with compensation, and what its rep and manager should see."""
    path = tmp_path_factory.mktemp("e2e_comp") / "sales.duckdb"
    database = build_small_demo(path)
    with database.reading() as cur:
        viewers = {role: auth.viewer_for_email(cur, email) for email, _, role in demo.DEMO_USERS}
        quarter = quarter_of(TODAY)
        everyone = compute_statements(cur, viewers["executive"], quarter)
        (own,) = compute_statements(cur, viewers["rep"], quarter)
        team = compute_statements(cur, viewers["manager"], quarter)
    database.close()
    return {"path": path, "own": own, "everyone": everyone, "team": team}


@pytest.fixture(scope="module")
def comp_server(comp_workspace, chromium_path) -> str:
    """The app on that workspace, on a free loopback port."""
    with serve(comp_workspace["path"]) as url:
        yield url


def open_nav(page, title: str) -> None:
    navigation = page.get_by_test_id("stSidebarNav")
    navigation.get_by_role("link").first.wait_for()
    link = navigation.get_by_role("link", name=title, exact=True)
    if not link.is_visible():  # a long navigation shows its first pages only
        page.get_by_test_id("stSidebarNavViewButton").click(force=True)
    link.click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for()


def test_a_rep_sees_only_their_own_statement(page, comp_server, comp_workspace) -> None:
    own = comp_workspace["own"]
    others = [s.rep_name for s in comp_workspace["everyone"] if s.rep_id != own.rep_id]
    sign_in(page, comp_server, "rep@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    open_nav(page, "Statements")
    page.get_by_role("heading", name=f"{own.rep_name} · {quarter_of(TODAY).label}").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    text = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert own.rep_name in text
    assert not [name for name in others if name in text]
    assert page.get_by_text("Statement of").count() == 0  # no picker of other reps
    navigation = page.get_by_test_id("stSidebarNav")
    for hidden in ("Payroll", "What-if", "Comp plans"):
        assert navigation.get_by_role("link", name=hidden).count() == 0
    metric = page.get_by_test_id("stMetric").filter(has_text="Variable pay")
    assert metric.get_by_test_id("stMetricValue").inner_text() == (
        f"{'-' if own.total < 0 else ''}${abs(own.total):,.2f}"
    )


def test_a_manager_sees_the_team_chart_and_the_pay_curve(page, comp_server, comp_workspace) -> None:
    sign_in(page, comp_server, "manager@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    open_nav(page, "Statements")
    page.get_by_text("Variable pay by rep").wait_for()
    page.get_by_text("Statement of").wait_for()
    charts = page.locator(".js-plotly-plot")
    charts.nth(1).wait_for()
    assert charts.count() >= 2  # pay by rep, the chosen statement's pay curve
    page.locator(".js-plotly-plot .scatterlayer .trace path").first.wait_for()
    bars = page.locator(".js-plotly-plot .barlayer .point path")
    assert bars.count() >= 1


def test_the_payroll_downloads_as_csv_with_a_row_per_rep(page, comp_server, comp_workspace) -> None:
    sign_in(page, comp_server, "exec@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    open_nav(page, "Payroll")
    page.get_by_test_id("stDataFrame").first.wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert download.suggested_filename == f"payroll_{quarter_of(TODAY).label}.csv"
    assert list(rows[0])[:8] == [
        "Rep ID",
        "Rep",
        "Team",
        "Quarter",
        "Status",
        "Plan",
        "Base salary",
        "Commission",
    ]
    assert len(rows) == 60
    expected = sum(s.total for s in comp_workspace["everyone"])
    assert sum(Decimal(row["Variable pay"]) for row in rows) == expected
