"""Goals and Sales plans pages through the real entry script, for each form and role.

The tests write into the shared demo workspace, so they use the next quarter and metrics the
other pages do not show (activities, won deals, new accounts), and their own scopes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import streamlit as st

from dashboard import auth, goals
from dashboard.config import get_settings
from dashboard.db import open_database
from tests.app.conftest import user_id_for

TODAY = dt.date.today()
THIS_QUARTER = goals.period_containing("quarter", TODAY)
NEXT_QUARTER = goals.list_periods("quarter", TODAY, 1, back=0, ahead=1)[1]


@pytest.fixture(autouse=True)
def open_workspace():
    """Reopen the workspace when a test elsewhere in this process closed every database
    (close_all), and start each test from fresh figures."""
    from dashboard.ui.session import _database

    _database.clear()
    st.cache_data.clear()


def database():
    return open_database(get_settings().db_path)


def viewer_for(role: str) -> auth.Viewer:
    with database().reading() as cur:
        return auth.get_viewer(cur, user_id_for(role))


def ensure_goal(role, kind, scope_id, metric, target, period=NEXT_QUARTER) -> goals.Goal:
    """The goal for a scope (created by `role` when missing), with caches cleared."""
    db = database()
    with db.transaction() as cur:
        found = goals.find_goal(cur, kind, scope_id, period, metric)
        if found is None:
            goals.set_goal(cur, viewer_for(role), kind, scope_id, period, metric, target)
        found = goals.find_goal(cur, kind, scope_id, period, metric)
    st.cache_data.clear()
    return found


def team_id(name: str) -> int:
    with database().reading() as cur:
        return cur.execute(
            "select team_id from teams where team_name = $name", {"name": name}
        ).fetchone()[0]


def open_goals(app, role: str, metric: str = "bookings", period=None):
    at = app(role).run()
    at.switch_page("pages/goals.py").run()
    if metric != "bookings":
        at.sidebar.selectbox(key="goals_metric").set_value(metric).run()
    if period is not None:
        at.sidebar.selectbox(key="goals_period_quarter").set_value(period.label).run()
    assert not at.exception, at.exception
    return at


def table_with(at, column: str):
    """The first table on the page that has a column."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def buttons(at) -> list[str]:
    return [button.key for button in at.button if button.key]


def test_a_manager_saves_a_split(app) -> None:
    manager = viewer_for("manager")
    region = ensure_goal("manager", "team", manager.team_id, "activities", 3000)
    at = open_goals(app, "manager", "activities", NEXT_QUARTER)
    at.selectbox(key="goals_split_goal").set_value(region.goal_id).run()
    at.radio(key="goals_split_method").set_value("even").run()
    assert "The children add up to the goal: 3,000." in [item.value for item in at.success]
    at.button(key="goals_split_save").click().run()
    assert not at.exception, at.exception
    assert not at.error, [item.value for item in at.error]
    assert at.success[0].value.startswith("Saved the split: 3 goals created")
    with database().reading() as cur:
        children = cur.execute(
            "select target from goals where parent_goal_id = $id order by scope_id",
            {"id": region.goal_id},
        ).fetchall()
    assert [row[0] for row in children] == [Decimal("1000.00")] * 3
    # the table on the page now shows that the split adds up
    shown = at.dataframe[0].value
    assert shown.loc[shown["Goal"] == region.goal_id, "Split"].iloc[0] == "adds up"


def test_a_manager_changes_a_target_and_a_stale_edit_is_refused(app) -> None:
    rep_id = viewer_for("rep").rep_id
    goal = ensure_goal("manager", "rep", rep_id, "won_deals", 5)
    at = open_goals(app, "manager", "won_deals", NEXT_QUARTER)
    at.selectbox(key="goals_edit_goal").set_value(goal.goal_id).run()
    at.number_input(key=f"goals_edit_target_{goal.goal_id}").set_value(7.0)
    at.button(key="FormSubmitter:goals_edit_form-Save target").click().run()
    assert not at.error, [item.value for item in at.error]
    assert "→ 7 (version" in at.success[0].value
    with database().transaction() as cur:  # someone else saves meanwhile
        current = goals.get_goal(cur, goal.goal_id)
        goals.edit_goal(cur, viewer_for("admin"), goal.goal_id, 9, current.version)
    st.cache_data.clear()
    at.run()
    assert any("changed since you opened it" in item.value for item in at.warning)
    at.number_input(key=f"goals_edit_target_{goal.goal_id}").set_value(8.0)
    at.button(key="FormSubmitter:goals_edit_form-Save target").click().run()
    message = at.error[0].value
    assert "Someone saved this goal" in message and "it is now 9" in message
    assert "by Alex Admin" in message and "Nothing was changed" in message
    with database().reading() as cur:
        assert goals.get_goal(cur, goal.goal_id).target == 9


def test_a_new_goal_with_a_bad_period_is_explained(app) -> None:
    at = open_goals(app, "manager")
    at.radio(key="goals_edit_mode").set_value("new").run()
    at.text_input(key="goals_new_period").input("2027-13").run()
    at.number_input(key="goals_new_target").set_value(1000).run()
    at.button(key="goals_new_save").click().run()
    assert "'2027-13' is not a period; write 2027-Q1" in at.error[0].value


def test_a_manager_sets_a_new_goal(app) -> None:
    at = open_goals(app, "manager", "new_accounts", NEXT_QUARTER)
    at.radio(key="goals_edit_mode").set_value("new").run()
    at.selectbox(key="goals_new_kind").set_value("team").run()
    northeast = team_id("Northeast")
    at.selectbox(key="goals_new_scope_team").set_value(northeast).run()
    at.number_input(key="goals_new_target").set_value(14).run()
    at.button(key="goals_new_save").click().run()
    assert not at.error, [item.value for item in at.error]
    assert at.success[0].value == f"Set Northeast · {NEXT_QUARTER.label} · New accounts: 14."
    at.button(key="goals_new_save").click().run()  # the same goal again
    assert "exists already" in at.error[0].value


@pytest.mark.parametrize("role", ["rep", "analyst"])
def test_reps_and_analysts_see_goals_but_cannot_edit(app, role) -> None:
    at = open_goals(app, role)
    assert not at.error
    assert at.title[0].value == "Goals"
    assert not {"goals_split_save", "goals_new_save", "goals_import_all"} & set(buttons(at))
    assert "you can view them" in " ".join(caption.value for caption in at.caption)
    shown = at.dataframe[0].value
    if role == "rep":
        assert set(shown["Level"]) == {"Rep"}
        assert len(set(shown["Scope"])) == 1  # only their own goal
    else:
        assert "Company" in set(shown["Scope"])


def test_a_bad_csv_shows_row_errors_and_saves_nothing_until_asked(app) -> None:
    csv = (
        "scope,period,metric,target\n"
        f"team:Southeast,{NEXT_QUARTER.label},won_deals,40\n"
        f"team:Nowhere,{NEXT_QUARTER.label},activities,5\n"
        "team:Northeast,2027-13,activities,5\n"
        f"team:Pacific,{NEXT_QUARTER.label},activities,5\n"
        f"team:Central,{NEXT_QUARTER.label},activities,-3\n"
    )
    with database().reading() as cur:
        before = cur.execute("select count(*) from goals").fetchone()[0]
    at = open_goals(app, "manager")
    at.file_uploader(key="goals_import_file").set_value(("goals.csv", csv.encode(), "text/csv"))
    at.run()
    errors = at.error[0].value
    assert errors.startswith("4 of 5 rows are refused:")
    assert "row 3: there is no team called 'Nowhere'" in errors
    assert "row 4: '2027-13' is not a period" in errors
    assert "row 5: you can set goals only for your team" in errors
    assert "row 6: a target cannot be negative" in errors
    at.button(key="goals_import_all").click().run()
    assert any("nothing was saved" in item.value for item in at.error)
    with database().reading() as cur:
        assert cur.execute("select count(*) from goals").fetchone()[0] == before
    at.button(key="goals_import_good").click().run()
    assert (
        at.success[0].value == "Imported: 1 goals created, 0 changed, 0 unchanged, 4 rows left out."
    )
    with database().reading() as cur:
        assert cur.execute("select count(*) from goals").fetchone()[0] == before + 1


def test_an_admin_sets_the_fiscal_year_start(app) -> None:
    try:
        at = open_goals(app, "admin")
        at.selectbox(key="goals_fiscal_month").set_value(4).run()
        at.button(key="goals_fiscal_save").click().run()
        assert at.success[0].value == "The fiscal year now starts in April."
        assert "the fiscal year starts in April" in at.caption[0].value
    finally:
        with database().transaction() as cur:
            goals.set_fiscal_year_start(cur, viewer_for("admin"), 1)
        st.cache_data.clear()


def test_only_the_admin_sees_the_fiscal_year_setting(app) -> None:
    at = open_goals(app, "executive")
    assert "goals_fiscal_save" not in buttons(at)
    assert "goals_split_save" in buttons(at)  # an executive edits, but the setting is the admin's


# ------------------------------------------------------------------------------ plans


def open_plans(app, role: str):
    at = app(role).run()
    at.switch_page("pages/plans.py").run()
    assert not at.exception, at.exception
    return at


def by_label(widgets, label: str):
    return next(widget for widget in widgets if widget.label == label)


def test_a_manager_writes_a_plan_and_sees_its_history(app) -> None:
    at = open_plans(app, "manager")
    assert at.title[0].value == "Sales plans"
    by_label(at.text_area, "Objectives").input("Book the quarter")
    by_label(at.number_input, "Headcount (reps)").set_value(23)
    by_label(at.number_input, "Budget (USD)").set_value(50000.0)
    at.button(key="FormSubmitter:plans_form-Save plan").click().run()
    assert not at.error, [item.value for item in at.error]
    assert at.success[0].value.startswith("Created the plan North America East")
    by_label(at.text_area, "Strategy").input("Renewals first")
    at.button(key="FormSubmitter:plans_form-Save plan").click().run()
    assert at.success[0].value.startswith("Saved version 2 of North America East")
    assert "Strategy" in at.success[0].value
    versions = table_with(at, "Saved by")
    assert list(versions["Version"]) == [2, 1]
    assert set(versions["Saved by"]) == {"Morgan Manager"}
    diff = table_with(at, "Field")
    assert diff["Field"].tolist() == ["Strategy"]
    labels = [button.label for button in at.get("download_button")]
    assert "Plan and initiatives (XLSX)" in labels and "Plan as text (Markdown)" in labels


def test_a_plan_with_a_negative_budget_is_refused(app) -> None:
    at = open_plans(app, "executive")
    at.sidebar.selectbox(key="plans_scope_kind").set_value("segment").run()
    by_label(at.number_input, "Budget (USD)").set_value(-5.0)
    at.button(key="FormSubmitter:plans_form-Save plan").click().run()
    assert "Budget cannot be negative" in at.error[0].value
    with database().reading() as cur:
        assert (
            cur.execute("select count(*) from plans where scope_kind = 'segment'").fetchone()[0]
            == 0
        )


def test_a_rep_reads_plans_but_has_no_form(app) -> None:
    at = open_plans(app, "rep")
    assert not at.error
    assert "FormSubmitter:plans_form-Save plan" not in buttons(at)
    assert "read only" in at.caption[0].value
    assert [box.value for box in at.sidebar.selectbox if box.key == "plans_scope_kind"] == ["rep"]


def test_the_capacity_and_demand_tabs_show_figures(app) -> None:
    at = open_plans(app, "manager")
    labels = [metric.label for metric in at.metric]
    for label in ("Pipeline needed", "Opportunities / week", "Headcount implied", "Gap"):
        assert label in labels
    text = " ".join(item.value for item in at.markdown)
    assert "To reach the goal of" in text or "reached already" in text
    assert table_with(at, "Trailing 12-month average").shape[0] >= 3
