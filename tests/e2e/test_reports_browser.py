"""What only a browser shows: a pack's charts draw, and its PDF downloads and opens."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def navigation(page):
    """The sidebar navigation with every page shown (it folds long lists under 'View more')."""
    page.get_by_role("heading", name="Overview").wait_for(timeout=90_000)
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    return page.get_by_test_id("stSidebarNav")


def open_reports(page, server, email: str) -> None:
    sign_in(page, server, email)
    navigation(page).get_by_text("Stakeholder reports").click()
    page.get_by_role("heading", name="Stakeholder reports").wait_for(timeout=60_000)


def test_an_analyst_creates_a_pack_and_downloads_its_pdf(page, server) -> None:
    open_reports(page, server, "analyst@demo.local")
    page.get_by_text("New pack", exact=True).click()
    page.get_by_role("button", name="Create draft").click()
    page.get_by_text("Draft pack #").first.wait_for()
    heading = page.get_by_role("heading", name="Investor pack")
    heading.first.wait_for()
    charts = page.locator(".js-plotly-plot")
    charts.nth(3).wait_for()
    assert charts.count() >= 4
    page.locator(".js-plotly-plot .barlayer .point path").first.wait_for()

    page.get_by_role("tab", name="Downloads").click()
    page.get_by_role("button", name="Prepare PDF").click()
    download_button = page.get_by_role("button", name="Download PDF")
    download_button.wait_for(timeout=90_000)
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert 2 <= len(reader.pages) <= 15
    text = reader.pages[0].extract_text()
    assert "Investor pack" in text and "Sales performance" in text
    assert "DRAFT" in text  # a draft says so on the paper


def test_a_rep_does_not_see_the_reports_page(page, server) -> None:
    sign_in(page, server, "rep@demo.local")
    nav = navigation(page)
    assert nav.get_by_text("Overview").is_visible()
    assert nav.get_by_text("Stakeholder reports").count() == 0
