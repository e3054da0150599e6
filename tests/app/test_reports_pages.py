"""The Stakeholder reports page for every role: preparing, reviewing, publishing, inputs."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st

from dashboard import auth
from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.reports import inputs, model, workflow
from dashboard.reports.formatting import format_value
from tests.app.conftest import user_id_for

PAGE = "pages/reports.py"


def viewer_for(role: str) -> auth.Viewer:
    with open_database(get_settings().db_path).reading() as cur:
        return auth.get_viewer(cur, user_id_for(role))


def prepare(
    kind: str, period: str, role: str = "analyst", submit: bool = True
) -> tuple[int, int | None]:
    """A pack prepared outside the page (by the domain functions), optionally submitted."""
    database = open_database(get_settings().db_path)
    viewer = viewer_for(role)
    with database.transaction() as cur:
        pack_id = workflow.create_pack(cur, viewer, kind, period)
        snapshot_id = workflow.submit_pack(cur, viewer, pack_id) if submit else None
    st.cache_data.clear()
    return pack_id, snapshot_id


def status_of(pack_id: int) -> str:
    with open_database(get_settings().db_path).reading() as cur:
        return workflow.get_pack(cur, viewer_for("admin"), pack_id).status


def open_page(app, role: str, pack_id: int | None = None):
    st.cache_data.clear()
    at = app(role).run()
    at.switch_page(PAGE).run()
    if pack_id is not None:
        at.selectbox(key="reports_pack").set_value(pack_id).run()
    assert not at.exception, at.exception
    return at


def show_tab(at, label: str):
    """Open one of the pack's tabs (only the open tab's content runs)."""
    at.session_state["reports_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def button_keys(at) -> set[str]:
    return {button.key for button in at.button}


@pytest.mark.parametrize("role", ["admin", "executive", "manager", "analyst"])
def test_the_page_opens_for_every_role_allowed(app, role) -> None:
    at = open_page(app, role)
    assert at.title[0].value == "Stakeholder reports"
    assert not at.error


def test_a_rep_is_refused_even_by_url(app) -> None:
    direct = app("rep", PAGE).run()
    assert "is not available" in direct.error[0].value
    assert not direct.title


def test_an_analyst_creates_a_draft_and_submits_it(app) -> None:
    at = open_page(app, "analyst")
    at.segmented_control(key="reports_view").set_value("New pack").run()
    at.selectbox(key="reports_new_kind").set_value("board")
    at.selectbox(key="reports_new_period").set_value("Other")
    at.text_input(key="reports_new_other").input("2024-Q4")
    at.button(key="FormSubmitter:reports_new_form-Create draft").click().run()
    assert not at.exception, at.exception
    assert not at.error, [error.value for error in at.error]
    created = at.success[0].value
    assert created.startswith("Draft pack #") and created.endswith("created.")
    pack_id = int(created.split("#")[1].split(" ")[0])
    assert at.header[0].value == "Board pack 2024-Q4 — Company"
    assert any("computed from today's data" in warning.value for warning in at.warning)
    assert "reports_approve" not in button_keys(at)
    at.button(key="reports_submit").click().run()
    assert not at.exception, at.exception
    assert f"Pack #{pack_id} is in review" in at.success[0].value
    assert status_of(pack_id) == "in_review"
    # an analyst reviews nothing: no approve, request-changes or publish buttons, a note why
    assert not {"reports_approve", "reports_request_changes", "reports_publish"} & button_keys(at)
    assert any("Waiting for an executive" in info.value for info in at.info)


def test_an_executive_approves_and_publishes(app) -> None:
    pack_id, snapshot_id = prepare("investor", "2024-Q3")
    at = open_page(app, "executive", pack_id)
    assert any("wait for review" in info.value for info in at.info)
    at.text_area(key="reports_review_note").input("Checked against the ledger")
    at.button(key="reports_approve").click().run()
    assert not at.exception, at.exception
    assert f"Pack #{pack_id} is approved" in at.success[0].value
    assert status_of(pack_id) == "approved"
    at.button(key="reports_publish").click().run()
    assert not at.exception, at.exception
    assert f"Pack #{pack_id} is published" in at.success[0].value
    assert status_of(pack_id) == "published"
    assert "reports_publish" not in button_keys(at)
    show_tab(at, "History and comments")
    history = [table.value for table in at.dataframe if "actor" in table.value.columns][0]
    assert list(history["action"]) == ["Created", "Submitted for review", "Approved", "Published"]
    assert history["comment"].iloc[2] == "Checked against the ledger"


def test_an_analyst_cannot_approve_or_publish(app) -> None:
    pack_id, _ = prepare("management", "2024-Q3")
    at = open_page(app, "analyst", pack_id)
    assert not {"reports_approve", "reports_publish"} & button_keys(at)
    with (
        open_database(get_settings().db_path).transaction() as cur,
        pytest.raises(workflow.PermissionDenied),
    ):
        workflow.approve_pack(cur, viewer_for("analyst"), pack_id, 0)
    assert status_of(pack_id) == "in_review"


def test_an_executive_sends_a_pack_back_with_a_comment(app) -> None:
    pack_id, _ = prepare("partner", "2024-Q3")
    at = open_page(app, "executive", pack_id)
    at.button(key="reports_request_changes").click().run()
    assert "Say what should change" in at.error[0].value
    assert status_of(pack_id) == "in_review"
    at.text_area(key="reports_review_note").input("Link the partner deals first")
    at.button(key="reports_request_changes").click().run()
    assert "went back to draft" in at.success[0].value
    assert status_of(pack_id) == "draft"


def test_the_pack_page_shows_the_frozen_figures_and_charts(app) -> None:
    pack_id, snapshot_id = prepare("board", "2024-Q2")
    at = open_page(app, "admin", pack_id)
    with open_database(get_settings().db_path).reading() as cur:
        shown = workflow.load_pack_figures(cur, viewer_for("admin"), pack_id)
    bookings = model.figure_value(shown.figures, "sales", "bookings")
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Bookings"] == format_value(bookings, "money")
    assert "Net revenue" in metrics and "ARR at end" in metrics
    assert len(at.get("plotly_chart")) >= 5
    assert any(shown.content_hash in caption.value for caption in at.caption)
    show_tab(at, "Downloads")
    labels = [button.label for button in at.get("download_button")]
    assert {"Download XLSX", "Download CSV", "Download JSON"} <= set(labels)
    at.button(key="reports_prepare_pdf").click().run()
    assert not at.exception, at.exception
    assert "Download PDF" in [button.label for button in at.get("download_button")]


def test_restatement_compares_with_todays_data(app) -> None:
    pack_id, _ = prepare("government", "2024-Q1")
    at = show_tab(open_page(app, "executive", pack_id), "Restatement")
    at.button(key="reports_restate").click().run()
    assert not at.exception, at.exception
    assert any("Nothing would change" in success.value for success in at.success)


def test_a_manager_prepares_packs_for_their_team_only(app) -> None:
    company_pack, _ = prepare("government", "2024-Q2")
    at = open_page(app, "manager")
    at.segmented_control(key="reports_view").set_value("New pack").run()
    scope = at.selectbox(key="reports_new_scope")
    assert None not in scope.options and "The whole company" not in scope.options
    at.selectbox(key="reports_new_kind").set_value("management")
    at.selectbox(key="reports_new_period").set_value("Other")
    at.text_input(key="reports_new_other").input("2024-Q1")
    at.button(key="FormSubmitter:reports_new_form-Create draft").click().run()
    assert not at.exception, at.exception
    assert "created" in at.success[0].value
    assert "North America East" in at.header[0].value
    assert company_pack not in at.selectbox(key="reports_pack").options


def test_partners_and_spend_are_entered_on_the_page(app) -> None:
    at = open_page(app, "analyst")
    at.segmented_control(key="reports_view").set_value("Partners & spend").run()
    at.text_input(key="reports_partner_name").input("Contoso Channel")
    at.button(key="FormSubmitter:reports_partner_form-Add partner").click().run()
    assert "Partner Contoso Channel added." in at.success[0].value
    with open_database(get_settings().db_path).reading() as cur:
        partners = inputs.list_partners(cur, viewer_for("analyst"))
    contoso = int(partners.loc[partners["partner_name"] == "Contoso Channel", "partner_id"].iloc[0])
    at.selectbox(key="reports_link_partner").set_value(contoso)
    at.number_input(key="reports_link_deal").set_value(1)
    at.radio(key="reports_link_involvement").set_value("influenced")
    at.button(key="FormSubmitter:reports_link_form-Link").click().run()
    assert not at.error, [error.value for error in at.error]
    assert "Deal #1 linked to Contoso Channel." in at.success[0].value
    at.number_input(key="reports_spend_amount").set_value(25000.0)
    at.button(key="FormSubmitter:reports_spend_form-Add entry").click().run()
    assert not at.error, [error.value for error in at.error]
    assert "spend for" in at.success[0].value
    month = dt.date.today().strftime("%Y-%m")
    assert month in at.success[0].value


def test_a_manager_sees_no_spend_form(app) -> None:
    at = open_page(app, "manager")
    at.segmented_control(key="reports_view").set_value("Partners & spend").run()
    assert not at.exception
    assert any("Spend is entered for the whole company" in info.value for info in at.info)
