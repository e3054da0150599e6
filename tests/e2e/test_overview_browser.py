"""What only a browser shows: the charts render, downloads work, navigation follows the role."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import settle, sign_in

pytestmark = pytest.mark.e2e


def test_manager_signs_in_and_sees_the_overview_charts(page, server) -> None:
    sign_in(page, server, "manager@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    charts = page.locator(".js-plotly-plot")
    charts.nth(2).wait_for()
    assert charts.count() >= 3  # trend, pipeline by stage, attainment
    # plotly drew real bars, not an empty frame
    page.locator(".js-plotly-plot .barlayer .point path").first.wait_for()
    assert page.locator(".js-plotly-plot .barlayer .point path").count() > 10
    assert page.get_by_text("Bookings by month vs goal").is_visible()
    assert page.get_by_text("Signed in as").is_visible()


def test_a_table_downloads_as_csv(page, server) -> None:
    sign_in(page, server, "exec@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    # the first table's button once the run is over (mid-run, an earlier run's elements or a
    # later table's may be the first in the page)
    page.get_by_role("heading", name="Attainment by team").wait_for()
    settle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    assert download.suggested_filename.endswith(".csv")
    assert text.splitlines()[0].startswith("Team,Won deals,Bookings,Goal,Attainment")
    assert len(text.splitlines()) == 10  # header + nine teams


def test_a_rep_has_no_admin_pages(page, server) -> None:
    sign_in(page, server, "rep@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    navigation = page.get_by_test_id("stSidebarNav")
    assert navigation.get_by_text("Overview").is_visible()
    assert navigation.get_by_text("Users").count() == 0


def test_a_wrong_password_is_refused_in_the_browser(page, server) -> None:
    sign_in(page, server, "analyst@demo.local", "wrong password")
    page.get_by_text("Email or password is not right.").wait_for()
    assert page.get_by_role("heading", name="Overview").count() == 0
