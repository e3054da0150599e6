"""What only a browser shows on the Goals page: editing a child target in the data editor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import settle, sign_in

pytestmark = pytest.mark.e2e

HEADER_HEIGHT = 35  # the editor's header row; every row below is as high
TARGET_COLUMN_X = 400  # the Target column follows the 'medium' Child column


def test_editing_a_child_target_shows_that_the_split_does_not_add_up(page, server) -> None:
    page.set_default_timeout(90_000)  # the Overview and Goals pages query a whole workspace
    sign_in(page, server, "manager@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    settle(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Goals").click()
    page.get_by_role("heading", name="Goals", level=1).wait_for()
    page.locator(".js-plotly-plot").first.wait_for()  # the attainment chart
    page.get_by_role("tab", name="Split a goal").click()
    page.get_by_text("The children add up to the goal").wait_for()

    editor = page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).nth(1)
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="Does not add up")
    for _ in range(3):  # a rerun that lands mid-edit redraws the grid; then edit again
        settle(page)
        editor.scroll_into_view_if_needed()
        editor.dblclick(position={"x": TARGET_COLUMN_X, "y": HEADER_HEIGHT + HEADER_HEIGHT // 2})
        cell = page.locator(".gdg-input")
        cell.wait_for()
        cell.fill("1000000")
        page.keyboard.press("Enter")
        try:
            warning.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    warning.wait_for()
    assert re.search(
        r"Does not add up: the children total \$[\d,.]+, \$[\d,.]+ (short of|more than) the "
        r"goal of \$[\d,.]+",
        warning.inner_text(),
    )
    assert page.get_by_text("does not add up", exact=True).is_visible()

    # blocking is the default: saving is refused and says why; nothing is written
    page.get_by_role("button", name="Save split").click()
    refusal = page.get_by_test_id("stAlertContentError")
    refusal.wait_for()
    assert "Nothing was saved" in refusal.inner_text()
