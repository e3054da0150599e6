"""The compensation pages for every role through the real entry script: statements, plans,
what-if, leaderboard and payroll show the domain's figures; forms change what they say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard import auth
from dashboard.compensation.common import quarter_of
from dashboard.compensation.engine import format_money
from dashboard.compensation.statements import compute_statements, first_open_quarter
from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.ui.registry import PAGES
from tests.app.conftest import user_id_for

COMP_PAGES = {
    "pages/compensation.py": "Statements",
    "pages/comp_plans.py": "Comp plans",
    "pages/comp_whatif.py": "What-if",
    "pages/leaderboard.py": "Leaderboard",
    "pages/payroll.py": "Payroll",
}
ROLES = ("admin", "executive", "manager", "rep", "analyst")
MATRIX = [
    (path, role)
    for path in COMP_PAGES
    for role in ROLES
    if role in next(spec for spec in PAGES if spec.path == path).roles
]
REFUSED = [
    (path, role)
    for path in COMP_PAGES
    for role in ROLES
    if role not in next(spec for spec in PAGES if spec.path == path).roles
]


def viewer_for(role: str) -> auth.Viewer:
    with open_database(get_settings().db_path).reading() as cur:
        return auth.get_viewer(cur, user_id_for(role))


def open_page(app, role: str, path: str):
    at = app(role).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("path", "role"), MATRIX, ids=[f"{p}-{r}" for p, r in MATRIX])
def test_every_compensation_page_runs_for_every_role_allowed(app, path, role) -> None:
    at = open_page(app, role, path)
    assert not at.error, [error.value for error in at.error]
    assert at.title[0].value == COMP_PAGES[path]


@pytest.mark.parametrize(("path", "role"), REFUSED, ids=[f"{p}-{r}" for p, r in REFUSED])
def test_roles_without_access_are_refused_even_by_url(app, path, role) -> None:
    direct = app(role, path).run()
    assert not direct.exception
    assert "is not available" in direct.error[0].value
    assert not direct.title


def test_a_rep_sees_only_their_own_statement_with_its_figures(app) -> None:
    viewer = viewer_for("rep")
    today = dt.date.today()
    with open_database(get_settings().db_path).reading() as cur:
        (statement,) = compute_statements(cur, viewer, quarter_of(today))
    at = open_page(app, "rep", "pages/compensation.py")
    assert at.subheader[0].value == f"{statement.rep_name} · {quarter_of(today).label}"
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Variable pay"] == format_money(statement.total)
    assert shown["Commission"] == format_money(statement.totals["commission"])
    assert "Statements" not in shown  # no team summary for a rep
    assert not [box for box in at.selectbox if box.key == "compensation_rep"]
    lines = at.dataframe[0].value
    assert len(lines) == len(statement.lines)
    assert [f"{v:.2f}" for v in lines["Amount"]] == [f"{line.amount}" for line in statement.lines]


def test_a_manager_sees_the_team_and_can_open_each_statement(app) -> None:
    at = open_page(app, "manager", "pages/compensation.py")
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Statements"] == "23"
    summary = at.dataframe[0].value
    assert set(summary["Team"]) == {"Northeast", "Southeast", "Central"}
    assert len(at.selectbox(key="compensation_rep").options) == 23
    with open_database(get_settings().db_path).reading() as cur:
        sixth = compute_statements(cur, viewer_for("manager"), quarter_of(dt.date.today()))[5]
    at.selectbox(key="compensation_rep").set_value(sixth.rep_id).run()
    assert not at.exception
    assert at.subheader[0].value.startswith(sixth.rep_name)
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Variable pay"] == format_money(sixth.total)


def test_a_rep_flags_a_line_and_the_manager_answers_it(app) -> None:
    at = open_page(app, "rep", "pages/compensation.py")
    if not at.selectbox(key="compensation_line").options:
        pytest.skip("the demo rep has no line this quarter")
    at.text_area(key="compensation_comment").input("This deal was split with a partner rep.")
    at.button(key="FormSubmitter:compensation_dispute_form-Flag this line").click().run()
    assert not at.exception
    assert "sent to your manager" in at.success[0].value
    disputes = at.dataframe[1].value
    assert "This deal was split with a partner rep." in disputes["comment"].tolist()

    manager = open_page(app, "manager", "pages/compensation.py")
    manager.selectbox(key="compensation_rep").set_value(viewer_for("rep").rep_id).run()
    dispute = manager.selectbox(key="compensation_dispute")
    chosen = next(label for label in dispute.options if "split with a partner" in label)
    dispute.set_value(int(chosen.split(" ")[0].lstrip("#")))
    manager.radio(key="compensation_outcome").set_value("accepted")
    manager.text_area(key="compensation_reply").input("Agreed; corrected next quarter.")
    manager.button(key="FormSubmitter:compensation_resolve_form-Send reply").click().run()
    assert not manager.exception
    assert "accepted; the rep sees your reply" in manager.success[0].value

    again = open_page(app, "rep", "pages/compensation.py")
    table = again.dataframe[1].value
    row = table[table["comment"] == "This deal was split with a partner rep."].iloc[0]
    assert (row["status"], row["reply"]) == ("resolved", "Agreed; corrected next quarter.")


def test_an_empty_dispute_is_refused_with_a_message(app) -> None:
    at = open_page(app, "rep", "pages/compensation.py")
    if not at.selectbox(key="compensation_line").options:
        pytest.skip("the demo rep has no line this quarter")
    at.button(key="FormSubmitter:compensation_dispute_form-Flag this line").click().run()
    assert "Say what is wrong with the line." in at.error[0].value


def test_an_executive_closes_the_next_quarter_and_its_statements_freeze(app) -> None:
    db = open_database(get_settings().db_path)
    with db.reading() as cur:
        to_close = first_open_quarter(cur)
    if to_close.end > dt.date.today():
        pytest.skip("the next quarter to close has not ended")
    at = open_page(app, "executive", "pages/compensation.py")
    button = at.button(key="compensation_close")
    assert button.label == f"Close {to_close.label}" and button.disabled
    at.checkbox(key="compensation_confirm").check().run()
    at.button(key="compensation_close").click().run()
    assert not at.exception
    assert f"{to_close.label} is closed" in at.success[0].value
    with db.reading() as cur:
        frozen = compute_statements(cur, viewer_for("executive"), to_close)
    assert frozen and all(statement.status == "closed" for statement in frozen)


def test_an_admin_is_shown_what_is_wrong_with_a_plan_before_saving_it(app) -> None:
    at = open_page(app, "admin", "pages/comp_plans.py")
    at.selectbox(key="comp_plans_plan").set_value(0).run()  # a new plan
    at.text_input(key="comp_plans_0_name").input("Overlay plan").run()
    assert not at.exception
    assert not at.warning  # the template's bands are valid
    at.number_input(key="comp_plans_0_cap").set_value(0.0).run()
    assert "A cap must be above zero" in at.warning[0].value
    at.button(key="comp_plans_0_save").click().run()
    assert "A cap must be above zero" in at.error[0].value
    at.number_input(key="comp_plans_0_cap").set_value(2.5).run()
    at.button(key="comp_plans_0_save").click().run()
    assert not at.exception
    assert at.success[0].value == "Saved Overlay plan version 1."
    assert at.subheader[0].value == "Overlay plan v1"  # the new plan is shown
    assert "Overlay plan" in at.dataframe[0].value["Plan"].tolist()


def test_a_manager_reads_plans_but_cannot_change_them(app) -> None:
    at = open_page(app, "manager", "pages/comp_plans.py")
    assert any("Administrators and executives define plans" in c.value for c in at.caption)
    assert not [button for button in at.button if button.key and "save" in button.key]
    assert at.dataframe[0].value["Plan"].tolist()[:2] == [
        "Account Executive",
        "International Account Manager",
    ]


def test_a_what_if_with_a_higher_target_incentive_costs_more(app) -> None:
    at = open_page(app, "executive", "pages/comp_whatif.py")
    plan_id = at.sidebar.selectbox(key="comp_whatif_plan").value
    before = {metric.label: metric.value for metric in at.metric}
    assert before["Reps"] == "43"
    incentive = at.sidebar.number_input(key=f"comp_whatif_{plan_id}_incentive")
    incentive.set_value(incentive.value * 2).run()
    assert not at.exception
    deltas = [metric.delta for metric in at.metric if metric.label == "Scenario pay"]
    assert deltas and all(delta.startswith("$") and "(+" in delta for delta in deltas)
    rows = at.dataframe[-2].value
    assert (rows["Scenario pay"].astype(float) >= rows["Current pay"].astype(float)).all()


def test_the_leaderboard_shows_a_rep_their_team_only(app) -> None:
    at = open_page(app, "rep", "pages/leaderboard.py")
    board = at.dataframe[0].value
    assert set(board["Team"]) == {"Northeast"}
    assert len(board) == 8
    at.segmented_control(key="leaderboard_metric").set_value("bookings").run()
    assert not at.exception
    assert at.dataframe[0].value["Rank"].iloc[0] == 1


def test_an_admin_changes_the_club_threshold(app) -> None:
    at = open_page(app, "admin", "pages/leaderboard.py")
    at.number_input(key="leaderboard_club_pct").set_value(110.0)
    at.button(key="FormSubmitter:leaderboard_club_form-Save threshold").click().run()
    assert "The club threshold is now 110%." in at.success[0].value
    assert "club at 110% of the bookings goal" in at.caption[0].value


def test_the_payroll_totals_match_the_statements(app) -> None:
    at = open_page(app, "executive", "pages/payroll.py")
    frame = at.dataframe[0].value
    assert len(frame) == 60
    base = sum(Decimal(str(value)) for value in frame["Base salary"])
    variable = sum(Decimal(str(value)) for value in frame["Variable pay"])
    total = sum(Decimal(str(value)) for value in frame["Total pay"])
    assert base + variable == total
    labels = [button.label for button in at.get("download_button")]
    assert labels == ["Download CSV", "Download XLSX"]
