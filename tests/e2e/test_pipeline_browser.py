"""What only a browser shows: moving a deal to its next stage on the Pipeline board changes the
board's per-stage counts and the Overview's "Open pipeline by stage" chart."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PROSPECTING, QUALIFYING = 1, 2  # stage ids of the default pipeline
PATIENCE = 90_000  # ms; a busy machine renders the Overview's charts slowly

# the deals per stage drawn in the Overview's chart (plotly keeps its data on the graph div)
OVERVIEW_STAGE_DEALS = """
() => {
    for (const graph of document.querySelectorAll('.js-plotly-plot')) {
        const title = graph.layout && graph.layout.title;
        const text = String((title && (title.text || title)) || '');
        if (text.includes('Open pipeline by stage') && graph.data && graph.data.length) {
            // plotly.js decodes the binary arrays plotly.py sends into _fullData
            const trace = (graph._fullData && graph._fullData[0]) || graph.data[0];
            const counts = Array.from(trace.customdata || []);
            const deals = {};
            Array.from(trace.y).forEach((stage, index) => { deals[stage] = Number(counts[index]); });
            return Object.values(deals).every(Number.isFinite) ? deals : null;
        }
    }
    return null;
}
"""


def stage_count(page, stage_id: int) -> int:
    value = page.locator(f".st-key-pipeline_stage_{stage_id} [data-testid='stMetricValue']")
    return int(value.first.inner_text().replace(",", ""))


def overview_stage_deals(page) -> dict[str, int]:
    page.get_by_role("heading", name="Overview").wait_for()
    handle = page.wait_for_function(OVERVIEW_STAGE_DEALS, timeout=PATIENCE)
    return handle.json_value()


def go_to(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for()


def test_next_stage_in_the_browser_changes_the_board_and_the_overview(page, server) -> None:
    page.set_default_timeout(PATIENCE)
    sign_in(page, server, "manager@demo.local")
    overview_before = overview_stage_deals(page)

    go_to(page, "Pipeline")
    column = page.locator(f".st-key-pipeline_stage_{PROSPECTING}")
    column.get_by_role("button", name="Next →").first.wait_for()
    before = (stage_count(page, PROSPECTING), stage_count(page, QUALIFYING))
    card = column.locator("[class*='st-key-pipeline_card_']").first
    name = card.locator("[data-testid='stMarkdownContainer'] strong").first.inner_text()
    card.get_by_role("button", name="Next →").click()

    page.get_by_text(
        re.compile(rf"Moved {re.escape(name)} from Prospecting to Qualifying")
    ).wait_for()
    page.wait_for_function(
        """([selector, expected]) => {
            const value = document.querySelector(selector);
            return value && Number(value.innerText.replace(/,/g, '')) === expected;
        }""",
        arg=[f".st-key-pipeline_stage_{PROSPECTING} [data-testid='stMetricValue']", before[0] - 1],
    )
    assert (stage_count(page, PROSPECTING), stage_count(page, QUALIFYING)) == (
        before[0] - 1,
        before[1] + 1,
    )

    go_to(page, "Overview")
    page.wait_for_function(
        f"""() => {{
            const deals = ({OVERVIEW_STAGE_DEALS})();
            return deals && deals['Prospecting'] === {overview_before["Prospecting"] - 1};
        }}""",
        timeout=PATIENCE,
    )
    overview_after = overview_stage_deals(page)
    assert overview_after["Prospecting"] == overview_before["Prospecting"] - 1
    assert overview_after["Qualifying"] == overview_before["Qualifying"] + 1


def test_a_rep_opens_a_deal_and_sees_its_history_chart(page, server) -> None:
    page.set_default_timeout(PATIENCE)
    sign_in(page, server, "rep@demo.local")
    page.get_by_role("heading", name="Overview").wait_for()
    go_to(page, "Pipeline")
    card = page.locator("[class*='st-key-pipeline_card_']").first
    card.get_by_role("button", name="Open", exact=True).click()
    page.get_by_role("heading", name="Deal", exact=True).wait_for()
    page.get_by_role("tab", name="History").click()
    page.get_by_text("Stage and amount over time").wait_for()
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 2
