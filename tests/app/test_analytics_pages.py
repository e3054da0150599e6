"""The Funnel, Territory and Forecast pages through the real entry script, for each role."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import auth, forecast, funnel, metrics, territory
from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.ui.widgets import money, percent
from tests.app.conftest import user_id_for


def viewer_for(role: str) -> auth.Viewer:
    with open_database(get_settings().db_path).reading() as cur:
        return auth.get_viewer(cur, user_id_for(role))


def open_page(app, role: str, page: str):
    at = app(role).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [error.value for error in at.error]
    return at


@pytest.mark.parametrize("role", ["executive", "manager", "rep", "analyst"])
def test_funnel_figures_equal_the_domain_functions(app, role) -> None:
    at = open_page(app, role, "pages/funnel.py")
    today = dt.date.today()
    period = metrics.Period.quarter_of(today)
    now = dt.datetime.combine(today, dt.time(23, 59, 59))
    viewer = viewer_for(role)
    with open_database(get_settings().db_path).reading() as cur:
        row = funnel.load_outcomes(cur, viewer, period, now=now).iloc[0]
        stages = funnel.load_funnel(cur, viewer, period)
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Win rate"] == percent(row["win_rate"])
    assert shown["Average deal size"] == money(row["avg_deal_size"])
    first = stages[(stages["period_no"] == 1) & (stages["stage_order"] == 1)]
    assert shown["Deals in the funnel"] == f"{int(first['reached'].sum()):,}"
    assert any("Reconciles exactly" in caption.value for caption in at.caption)


def test_a_rep_cannot_slice_by_team_and_sees_only_themself(app) -> None:
    at = open_page(app, "rep", "pages/funnel.py")
    assert "team" not in at.selectbox(key="funnel_slice").options
    at.selectbox(key="funnel_slice").set_value("owner").run()
    assert not at.exception
    owners = at.selectbox(key="funnel_chart_slice").options
    assert owners == [viewer_for("rep").display_name]


def test_funnel_slices_compare_and_drill_down(app) -> None:
    at = open_page(app, "manager", "pages/funnel.py")
    at.selectbox(key="funnel_slice").set_value("source").run()
    at.selectbox(key="funnel_compare").set_value("last_year").run()
    at.selectbox(key="funnel_cohort").set_value("closed").run()
    assert not at.exception and not at.error
    for source in ("waterfall", "time", "as_of", "funnel"):
        at.segmented_control(key="funnel_drill").set_value(source).run()
        assert not at.exception and not at.error
    labels = [button.label for button in at.get("download_button")]
    assert labels.count("Download CSV") >= 5  # stages, outcomes, time, waterfall, deals


def test_territory_page_shows_the_hierarchy_and_maps(app) -> None:
    at = open_page(app, "executive", "pages/territory.py")
    assert at.metric[0].label.startswith("Bookings")
    charts = at.get("plotly_chart")
    assert len(charts) >= 4  # two maps, the level chart, workload
    at.segmented_control(key="territory_level").set_value(3).run()
    assert not at.exception
    at.selectbox(key="territory_drill_kind").set_value("open").run()
    assert not at.exception and not at.error


def first_account(role: str, territory_id: int) -> int:
    with open_database(get_settings().db_path).reading() as cur:
        return int(
            territory.list_accounts(cur, viewer_for(role), territory_id).iloc[0]["account_id"]
        )


def test_an_admin_previews_and_applies_a_move(app) -> None:
    at = open_page(app, "admin", "pages/territory.py")
    source = at.selectbox(key="territory_move_from").value
    at.multiselect(key="territory_move_accounts").select(first_account("admin", source)).run()
    assert any("Preview" in markdown.value for markdown in at.markdown)
    at.button(key="territory_apply").click().run()
    assert not at.exception
    assert "Moved 1 accounts" in at.success[0].value


def test_a_manager_may_preview_but_not_apply(app) -> None:
    at = open_page(app, "manager", "pages/territory.py")
    source = at.selectbox(key="territory_move_from").value
    at.multiselect(key="territory_move_accounts").select(first_account("manager", source)).run()
    assert at.button(key="territory_apply").disabled


@pytest.mark.parametrize("role", ["executive", "manager", "analyst"])
def test_forecast_figures_equal_the_domain_functions(app, role) -> None:
    at = open_page(app, role, "pages/forecast.py")
    today = dt.date.today()
    now = dt.datetime.combine(today, dt.time(23, 59, 59))
    viewer = viewer_for(role)
    with open_database(get_settings().db_path).reading() as cur:
        units = forecast.load_forecast(cur, viewer, metrics.Period.quarter_of(today), now=now)
    total = units[units["unit_level"] == "total"].iloc[0]
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Closed"] == money(total["bookings"])
    assert shown["Weighted forecast"] == money(total["weighted_forecast"])
    assert shown["Historical forecast"] == money(total["historical_forecast"])


def test_a_manager_submits_a_forecast(app) -> None:
    at = open_page(app, "manager", "pages/forecast.py")
    at.number_input(key="forecast_amount").set_value(123000.0)
    at.text_input(key="forecast_note").input("call from the test")
    at.button(key="FormSubmitter:forecast_submit_form-Submit forecast").click().run()
    assert not at.exception
    assert "submitted" in at.success[0].value


def test_an_analyst_cannot_submit(app) -> None:
    at = open_page(app, "analyst", "pages/forecast.py")
    assert not any(
        button.label == "Submit forecast"
        for button in at.get("button") + at.get("form_submit_button")
    )
