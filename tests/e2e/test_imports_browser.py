"""What only a browser shows on the Imports page: a real upload, the mapping editor, the
date question, the preview chart, loading with progress, the rejects download (formulas
neutralised) and undo."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

AMBIGUOUS = (
    "Deal ID,Owner,Stage,Amount,Close Date,Next Step\r\n"
    "e2e-1,Browser Rep,Prospecting,100,03/04/27,Call\r\n"
    "e2e-2,Browser Rep,Qualification,250,05/06/27,Demo\r\n"
    'e2e-3,Browser Rep,Prospecting,-1,05/06/27,=HYPERLINK("http://x")\r\n'
)


def _open_imports(page, server) -> None:
    sign_in(page, server, "analyst@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    page.get_by_test_id("stSidebarNav").get_by_text("Imports").click()
    page.get_by_role("heading", name="Imports").wait_for()


def _upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))


def test_upload_answer_the_date_question_preview_load_and_undo(page, server, tmp_path) -> None:
    _open_imports(page, server)
    _upload(page, tmp_path, "browser-deals.csv", AMBIGUOUS)
    page.get_by_role("heading", name="browser-deals.csv").wait_for()
    # the mapping editor is a real data grid with the detected columns
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.get_by_text("read both as day/month and as month/day").wait_for()
    page.get_by_text("day/month/year (31/12/2024)").click()
    page.get_by_test_id("stCheckbox").filter(has_text="Create missing reps").locator(
        "label"
    ).click()
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("Preview: browser-deals.csv").wait_for()
    page.locator(".js-plotly-plot .barlayer .point path").first.wait_for()
    metrics = page.get_by_test_id("stMetricValue")
    assert [metrics.nth(index).inner_text() for index in range(4)] == ["2", "0", "0", "1"]
    # the rejected row downloads as CSV with its formula neutralised
    rejects = page.get_by_text("Rejected rows (1)")
    rejects.wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").nth(1).click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert "the amount cannot be negative" in text
    assert "'=HYPERLINK" in text
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text("Loaded. browser-deals.csv: batch").wait_for()
    # the new batch opens in the history
    expect(page.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")
    sure = page.get_by_test_id("stCheckbox").filter(has_text="Yes, undo batch")
    sure.wait_for()
    sure.locator("label").click()
    undo = page.get_by_role("button", name="Undo batch")
    expect(undo).to_be_enabled()
    undo.click()
    page.get_by_text("was undone").wait_for()


def test_a_file_that_is_not_a_table_is_refused(page, server, tmp_path) -> None:
    _open_imports(page, server)
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_text("Refused: picture.csv is a binary file").wait_for()
