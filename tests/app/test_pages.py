"""Every page for every role through the real entry script, plus sign-in and sign-out."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import metrics
from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.ui.registry import ALL_ROLES, PAGES
from dashboard.ui.session import SESSION_SEEN, SESSION_USER
from tests.app.conftest import user_id_for

ALLOWED = [(spec, role) for spec in PAGES for role in spec.roles]
REFUSED = [(spec, role) for spec in PAGES for role in ALL_ROLES if role not in spec.roles]


def test_sign_in_page_lists_the_demo_accounts(app) -> None:
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    shown = at.table[0].value.to_string()
    for email in (
        "admin@demo.local",
        "exec@demo.local",
        "manager@demo.local",
        "rep@demo.local",
        "analyst@demo.local",
    ):
        assert email in shown


def test_signing_in_opens_the_overview(app) -> None:
    at = app().run()
    at.text_input(key="signin_email").input("manager@demo.local")
    at.text_input(key="signin_password").input("demo")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "your team" in at.caption[0].value


def test_a_wrong_password_is_refused(app) -> None:
    at = app().run()
    at.text_input(key="signin_email").input("rep@demo.local")
    at.text_input(key="signin_password").input("not the password")
    at.button[0].click().run()
    assert at.title[0].value == "Sign in"
    assert "Email or password is not right" in at.error[0].value


@pytest.mark.parametrize(("spec", "role"), ALLOWED, ids=[f"{s.title}-{r}" for s, r in ALLOWED])
def test_every_page_runs_for_every_role_allowed(app, spec, role) -> None:
    at = app(role).run()
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == spec.title


@pytest.mark.parametrize(("spec", "role"), REFUSED, ids=[f"{s.title}-{r}" for s, r in REFUSED])
def test_pages_outside_a_role_are_refused_even_by_url(app, spec, role) -> None:
    at = app(role).run()
    sidebar_pages = (
        [link.label for link in at.sidebar.get("page_link")] if hasattr(at.sidebar, "get") else []
    )
    assert spec.title not in sidebar_pages
    direct = app(role, spec.path).run()  # the page script itself, as a URL would reach it
    assert not direct.exception
    assert "is not available" in direct.error[0].value
    assert not direct.title


def test_a_page_without_sign_in_asks_to_sign_in(app) -> None:
    at = app(None, "pages/overview.py").run()
    assert "Please sign in" in at.warning[0].value


def test_an_idle_session_expires(app) -> None:
    at = app("executive")
    at.session_state[SESSION_SEEN] = dt.datetime.now() - dt.timedelta(
        minutes=get_settings().session_idle_minutes + 1
    )
    at.run()
    assert at.title[0].value == "Sign in"
    assert "expired" in at.info[0].value


def test_sign_out_forgets_the_viewer(app) -> None:
    at = app("analyst").run()
    at.sidebar.button(key="signout_button").click().run()
    assert SESSION_USER not in at.session_state
    assert not at.metric  # no figures any more
    # the server reruns the entry script (sign-in page); a page run on its own asks to sign in
    signed_out = [title.value for title in at.title] == ["Sign in"] or (
        "Please sign in" in at.warning[0].value
    )
    assert signed_out


@pytest.mark.parametrize("role", ["executive", "manager", "rep"])
def test_overview_figures_equal_the_domain_functions(app, role) -> None:
    at = app(role).run()
    with open_database(get_settings().db_path).reading() as cur:
        from dashboard import auth

        viewer = auth.get_viewer(cur, user_id_for(role))
        today = dt.date.today()
        figures = metrics.compute_kpis(cur, viewer, metrics.Period.quarter_of(today), today=today)
    shown = {metric.label: metric.value for metric in at.metric}
    from dashboard.ui.widgets import money, percent

    assert shown["Bookings"] == money(figures["bookings"])
    assert shown["Win rate"] == percent(figures["win_rate"])
    assert shown["Open pipeline"] == money(figures["open_pipeline"])
    assert shown["Weighted pipeline"] == money(figures["weighted_pipeline"])


def test_overview_filters_change_the_figures(app) -> None:
    at = app("executive").run()
    everything = at.metric[0].value
    at.sidebar.selectbox(key="overview_team").select_index(2).run()
    assert not at.exception
    assert at.metric[0].value != everything


def test_overview_offers_downloads_and_drill_down(app) -> None:
    at = app("manager").run()
    assert not at.exception
    labels = [button.label for button in at.get("download_button")]
    assert labels.count("Download CSV") >= 4
    at.segmented_control(key="overview_deal_kind").set_value("open").run()
    assert not at.exception


def test_admin_adds_an_account_from_the_users_page(app) -> None:
    at = app("admin").run()
    at.switch_page("pages/users.py").run()
    at.text_input(key="users_email").input("new.analyst@example.com")
    at.text_input(key="users_name").input("New Analyst")
    at.selectbox(key="users_role").set_value("analyst")
    at.text_input(key="users_password").input("a long enough password")
    at.button(key="FormSubmitter:users_add_form-Add account").click().run()
    assert not at.exception
    assert "Added new.analyst@example.com" in at.success[0].value


def test_users_page_refuses_a_short_password(app) -> None:
    at = app("admin").run()
    at.switch_page("pages/users.py").run()
    at.text_input(key="users_email").input("short@example.com")
    at.text_input(key="users_password").input("short")
    at.button(key="FormSubmitter:users_add_form-Add account").click().run()
    assert "at least 10 characters" in at.error[0].value


def test_metric_definitions_cover_every_area_and_can_be_searched(app) -> None:
    at = app("rep").run()
    at.switch_page("pages/definitions.py").run()
    assert not at.exception
    areas = set(at.dataframe[0].value["Area"])
    assert {"Overview", "Funnel", "Forecast", "Compensation", "Stakeholder reports"} <= areas
    at.text_input(key="definitions_search").input("clawback").run()
    shown = at.dataframe[0].value
    assert "Clawback" in set(shown["Metric"])
    text = (shown["Metric"] + " " + shown["Definition"]).str.lower()
    assert text.str.contains("clawback").all()
    at.text_input(key="definitions_search").input("").run()
    at.pills(key="definitions_areas").set_value(["Funnel"]).run()
    funnel_only = at.dataframe[0].value
    assert set(funnel_only["Area"]) == {"Funnel"}
    assert "Waterfall" in set(funnel_only["Metric"])
    at.text_input(key="definitions_search").input("no such figure").run()
    assert not at.dataframe and "No definition matches" in at.info[0].value
