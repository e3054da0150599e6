"""What only a browser shows on the analytics pages: the territory maps drawn with every
outside request blocked (the shapes come from the project), and a drill-down to the deals
behind a waterfall step, downloaded as CSV."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import choose, sign_in

pytestmark = pytest.mark.e2e


def block_outside_requests(page) -> list[str]:
    """Abort every request that is not to the app on loopback; returns what was blocked."""
    blocked: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def open_page(page, title: str) -> None:
    """Open a page from the sidebar (expanding the navigation when pages are folded away)."""
    navigation = page.get_by_test_id("stSidebarNav")
    navigation.wait_for()
    link = navigation.locator("a", has_text=title).first
    if not link.is_visible():
        navigation.get_by_text(re.compile(r"^View \d+ more$")).click()
    link.click()
    page.get_by_role("heading", name=title, exact=True).wait_for()


def test_the_territory_maps_render_offline(page, server) -> None:
    blocked = block_outside_requests(page)
    sign_in(page, server, "exec@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    open_page(page, "Territory")
    maps = page.locator(".js-plotly-plot").filter(has=page.locator(".choroplethlayer"))
    states = maps.nth(0).locator(".choroplethlayer path")
    states.nth(50).wait_for(timeout=60_000)
    assert states.count() == 51  # the demo's 50 states and DC
    countries = maps.nth(1).locator(".choroplethlayer path")
    countries.nth(13).wait_for(timeout=60_000)
    assert countries.count() == 14  # the demo's 13 countries and the United States
    assert page.get_by_text("by US state").first.is_visible()
    assert not [url for url in blocked if "plot.ly" in url or "topojson" in url], blocked


def test_drill_down_to_the_deals_behind_a_waterfall_step(page, server) -> None:
    block_outside_requests(page)
    sign_in(page, server, "manager@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    open_page(page, "Funnel")
    page.get_by_text("Reconciles exactly").wait_for(timeout=60_000)
    page.get_by_text("Waterfall step", exact=True).click()
    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Step"), "- Won")
    # the table follows the choice once the app has rerun; download until it has
    for _ in range(10):
        page.wait_for_timeout(1000)
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download CSV").last.click()
        download = download_info.value
        if download.suggested_filename.startswith("waterfall_won_"):
            break
    assert download.suggested_filename.startswith("waterfall_won_")
    lines = open(download.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0].startswith("opportunity_id,opportunity_name,owner_name")
    assert len(lines) > 1  # deals were won this quarter in the manager's region
