"""The Pipeline and Deal pages through the real entry script: the board and its counts, each
form and action, errors shown as they are, stale edits, scope, and the Overview after a write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard import deals, pipeline
from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.ui.loaders import clear_caches
from dashboard.ui.widgets import money
from tests.conftest import viewers

TODAY = dt.date.today()
PIPELINE = "pages/pipeline.py"
DEAL = "pages/deal.py"


@pytest.fixture
def workspace(app):
    """The app's database and the demo viewers by role."""
    db = open_database(get_settings().db_path)
    with db.reading() as cur:
        people = viewers(cur)
    return db, people


def new_deal(db, owner_rep_id: int, name: str, **values) -> int:
    """A deal of our own for a test, created by the demo administrator."""
    with db.reading() as cur:
        admin = viewers(cur)["admin"]
    with db.transaction() as cur:
        saved = pipeline.save_new_deal(
            cur,
            admin,
            {
                "opportunity_name": name,
                "owner_rep_id": owner_rep_id,
                "amount": 1000,
                "expected_close_date": TODAY + dt.timedelta(days=30),
                **values,
            },
        )
    clear_caches()
    return saved.opportunity_id


def current(db, deal_id: int) -> dict:
    with db.reading() as cur:
        return deals.get_deal(cur, viewers(cur)["admin"], deal_id)


def stage_metrics(at) -> dict[str, int]:
    stages = {"Prospecting", "Qualifying", "Gathering information", "Closing"}
    return {
        metric.label: int(metric.value.replace(",", ""))
        for metric in at.metric
        if metric.label in stages
    }


def open_pipeline(app, role: str, view: str | None = None):
    at = app(role).run()
    at.switch_page(PIPELINE).run()
    assert not at.exception, at.exception
    if view:
        at.segmented_control(key="pipeline_view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def open_deal(app, role: str, deal_id: int):
    at = app(role).run()
    at.session_state["deal_opportunity_id"] = deal_id
    at.switch_page(DEAL).run()
    assert not at.exception, at.exception
    return at


def table_with(at, *columns: str):
    """The first table on screen with these columns (read-only tables carry no key)."""
    for frame in at.dataframe:
        value = frame.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def messages(elements) -> str:
    return " | ".join(str(element.value) for element in elements)


# --- the board ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "manager", "rep", "executive"])
def test_the_board_counts_each_stage_for_the_viewer(app, workspace, role) -> None:
    db, people = workspace
    at = open_pipeline(app, role)
    with db.reading() as cur:
        board = pipeline.load_board(cur, people[role])
    shown = {metric.label: metric.value for metric in at.metric}
    for stage in board.columns.itertuples():
        assert shown[stage.stage_name] == f"{stage.deals:,}"
    assert shown["Open deals"] == f"{int(board.columns['deals'].sum()):,}"
    assert shown["Open pipeline"] == money(float(board.columns["amount"].sum()))


def test_next_stage_on_the_board_updates_the_board_and_the_overview(app, workspace) -> None:
    db, people = workspace
    at = app("manager").run()  # the Overview, its figures now cached
    overview_before = table_with(at, "stage_name", "weighted_amount").set_index("stage_name")
    at.switch_page(PIPELINE).run()
    before = stage_metrics(at)
    with db.reading() as cur:
        board = pipeline.load_board(cur, people["manager"])
    card = board.cards[board.cards["stage_name"] == "Prospecting"].iloc[0]
    at.button(key=f"pipeline_next_{card.opportunity_id}").click().run()
    assert not at.exception, at.exception
    assert f"Moved {card.opportunity_name} from Prospecting to Qualifying" in messages(at.success)
    after = stage_metrics(at)
    assert after["Prospecting"] == before["Prospecting"] - 1
    assert after["Qualifying"] == before["Qualifying"] + 1
    assert current(db, int(card.opportunity_id))["stage_name"] == "Qualifying"

    at.switch_page("pages/overview.py").run()
    overview_after = table_with(at, "stage_name", "weighted_amount").set_index("stage_name")
    assert (
        overview_after.loc["Prospecting", "deals"]
        == overview_before.loc["Prospecting", "deals"] - 1
    )
    assert (
        overview_after.loc["Qualifying", "deals"] == overview_before.loc["Qualifying", "deals"] + 1
    )


def test_read_only_roles_see_the_board_without_actions(app) -> None:
    at = open_pipeline(app, "executive")
    assert "read-only" in at.caption[0].value
    assert not [button for button in at.button if button.key.startswith("pipeline_next_")]
    assert set(at.segmented_control(key="pipeline_view").options) == {
        "Board",
        "Table",
        "Follow-ups & feedback",
    }


# --- the table ----------------------------------------------------------------------------


def test_a_rep_sees_only_their_own_deals_in_the_table(app, workspace) -> None:
    _, people = workspace
    at = open_pipeline(app, "rep", "table")
    at.selectbox(key="pipeline_table_status").set_value("all").run()
    rows = at.dataframe(key="pipeline_deals_table").value
    assert len(rows) > 0
    assert set(rows["owner_name"]) == {people["rep"].display_name}


def test_a_row_of_the_table_opens_its_deal(app) -> None:
    at = open_pipeline(app, "rep", "table")
    second = at.dataframe(key="pipeline_deals_table").value.iloc[1]
    at.session_state["pipeline_deals_table"] = {
        "selection": {"rows": [1], "columns": [], "cells": []}
    }
    at.run()
    at.button(key="pipeline_table_open").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Deal"
    assert at.subheader[0].value == second["opportunity_name"]
    assert at.query_params["id"] == str(second["opportunity_id"])


def test_the_table_searches_deal_and_account_names(app, workspace) -> None:
    db, people = workspace
    new_deal(db, people["rep"].rep_id, "Searchable Quokka project")
    at = open_pipeline(app, "manager", "table")
    at.sidebar.text_input(key="pipeline_search").input("quokka").run()
    rows = at.dataframe(key="pipeline_deals_table").value
    assert rows["opportunity_name"].tolist() == ["Searchable Quokka project"]
    assert "of 1 ·" in messages(at.caption)


# --- creating a deal ----------------------------------------------------------------------


def test_a_rep_creates_a_deal(app, workspace) -> None:
    db, people = workspace
    at = open_pipeline(app, "rep", "new")
    at.text_input(key="pipeline_new_0_opportunity_name").input("AppTest new deal")
    at.number_input(key="pipeline_new_0_amount").set_value(12345.0)
    at.selectbox(key="pipeline_new_0_lead_rating").set_value("hot")
    at.button(key="FormSubmitter:pipeline_new_0-Create deal").click().run()
    assert not at.exception, at.exception
    assert "Created AppTest new deal" in messages(at.success)
    created = current(db, at.session_state["pipeline_created_id"])
    assert (created["owner_rep_id"], created["amount"], created["lead_rating"]) == (
        people["rep"].rep_id,
        Decimal("12345.00"),
        "hot",
    )
    assert created["stage_name"] == "Prospecting"
    # the form is empty again for the next deal
    assert at.text_input(key="pipeline_new_1_opportunity_name").value == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", -50.0, "the amount cannot be negative"),
        ("expected_close_date", TODAY - dt.timedelta(days=3), "before the deal was created"),
        ("stage_id", 9, "a lost deal needs a loss reason"),
    ],
)
def test_a_bad_new_deal_is_explained_and_the_input_is_kept(
    app, workspace, field, value, message
) -> None:
    db, _ = workspace
    with db.reading() as cur:
        deals_before = cur.execute("select count(*) from opportunities").fetchone()[0]
    at = open_pipeline(app, "rep", "new")
    at.text_input(key="pipeline_new_0_opportunity_name").input("Refused deal")
    widget = {
        "amount": at.number_input,
        "expected_close_date": at.date_input,
        "stage_id": at.selectbox,
    }[field]
    widget(key=f"pipeline_new_0_{field}").set_value(value)
    at.button(key="FormSubmitter:pipeline_new_0-Create deal").click().run()
    assert message in messages(at.error)
    assert at.text_input(key="pipeline_new_0_opportunity_name").value == "Refused deal"
    with db.reading() as cur:
        assert cur.execute("select count(*) from opportunities").fetchone()[0] == deals_before


# --- the deal page ------------------------------------------------------------------------


def test_the_deal_page_moves_a_deal_to_its_next_stage(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest next stage")
    at = open_deal(app, "rep", deal_id)
    assert at.subheader[0].value == "AppTest next stage"
    at.button(key="deal_next").click().run()
    assert "from Prospecting to Qualifying" in messages(at.success)
    assert current(db, deal_id)["stage_name"] == "Qualifying"
    events = table_with(at, "event_type", "field_name")
    assert events["event_type"].tolist()[0] == "created"
    assert events["new_value"].tolist()[-1] == "Qualifying"


def test_marking_lost_without_a_reason_shows_the_error(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest lost")
    at = open_deal(app, "rep", deal_id)
    at.button(key=f"FormSubmitter:deal_lost_form_{deal_id}_v1-Mark lost").click().run()
    assert "a lost deal needs a loss reason" in messages(at.error)
    assert current(db, deal_id)["stage_name"] == "Prospecting"
    at.selectbox(key=f"deal_loss_reason_{deal_id}_v1").set_value("Budget")
    at.button(key=f"FormSubmitter:deal_lost_form_{deal_id}_v1-Mark lost").click().run()
    assert "AppTest lost is lost (Budget)" in messages(at.success)
    assert (current(db, deal_id)["stage_name"], current(db, deal_id)["loss_reason"]) == (
        "Lost",
        "Budget",
    )


def test_the_edit_form_saves_what_changed(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest edit")
    at = open_deal(app, "manager", deal_id)
    prefix = f"deal_edit_{deal_id}_v1"
    at.number_input(key=f"{prefix}_amount").set_value(2500.0)
    at.text_input(key=f"{prefix}_next_step").input("Send the proposal")
    at.button(key=f"FormSubmitter:{prefix}-Save changes").click().run()
    assert "Saved AppTest edit (version 2)" in messages(at.success)
    saved = current(db, deal_id)
    assert (saved["amount"], saved["next_step"], saved["probability"]) == (
        Decimal("2500.00"),
        "Send the proposal",
        Decimal("10.00"),
    )


def test_a_stale_edit_shows_what_changed_and_can_be_reapplied(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest stale")
    at = open_deal(app, "manager", deal_id)  # the form starts from version 1
    with db.transaction() as cur:  # meanwhile the administrator changes the next step
        deals.update_deal(cur, people["admin"], deal_id, 1, {"next_step": "Admin's call"})
    prefix = f"deal_edit_{deal_id}_v1"
    at.number_input(key=f"{prefix}_amount").set_value(7777.0)
    at.button(key=f"FormSubmitter:{prefix}-Save changes").click().run()
    assert not at.exception, at.exception
    assert "Alex Admin changed next step" in messages(at.error)
    changed = table_with(at, "Who", "Field", "Before")
    assert changed[["Field", "Before", "After"]].values.tolist() == [
        ["next_step", None, "Admin's call"]
    ]
    yours = table_with(at, "Your value")
    assert yours.values.tolist() == [["amount", "7777.0"]]
    assert current(db, deal_id)["amount"] == Decimal("1000.00")  # nothing was overwritten
    assert at.session_state["deal_conflict"]["pending"] == {"amount": 7777.0}

    at.button(key="deal_conflict_reapply").click().run()
    assert "Saved AppTest stale (version 3)" in messages(at.success)
    assert not [element for element in at.error if "changed" in element.value]
    saved = current(db, deal_id)
    assert (saved["amount"], saved["next_step"]) == (Decimal("7777.00"), "Admin's call")


def test_a_stale_edit_can_be_discarded(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest discard")
    at = open_deal(app, "rep", deal_id)
    with db.transaction() as cur:
        deals.update_deal(cur, people["manager"], deal_id, 1, {"amount": 1500})
    at.button(key="deal_next").click().run()
    assert "Morgan Manager changed amount" in messages(at.error)
    at.button(key="deal_conflict_discard").click().run()
    assert "was discarded" in messages(at.info)
    assert current(db, deal_id)["stage_name"] == "Prospecting"


def test_a_rep_cannot_see_another_reps_deal(app, workspace) -> None:
    db, people = workspace
    with db.reading() as cur:
        other = cur.execute(
            "select rep_id from reps where rep_id <> $rep order by rep_id limit 1",
            {"rep": people["rep"].rep_id},
        ).fetchone()[0]
    deal_id = new_deal(db, other, "AppTest someone else's deal")
    at = open_deal(app, "rep", deal_id)
    assert f"There is no deal {deal_id} that you can see" in messages(at.error)
    assert not at.subheader
    assert not at.metric


def test_an_activity_is_logged_and_a_future_one_refused(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest activity")
    at = open_deal(app, "rep", deal_id)
    prefix = f"deal_activity_{deal_id}_0"
    at.selectbox(key=f"{prefix}_type").set_value("meeting")
    at.date_input(key=f"{prefix}_date").set_value(TODAY + dt.timedelta(days=2))
    at.text_input(key=f"{prefix}_subject").input("Kick-off")
    at.button(key=f"FormSubmitter:{prefix}-Log activity").click().run()
    assert "in the future" in messages(at.error)
    at.date_input(key=f"{prefix}_date").set_value(TODAY)
    at.button(key=f"FormSubmitter:{prefix}-Log activity").click().run()
    assert "Logged a meeting on AppTest activity" in messages(at.success)
    logged = table_with(at, "activity_type", "subject")
    assert logged[["activity_type", "subject"]].values.tolist() == [["meeting", "Kick-off"]]


def test_winning_schedules_a_follow_up_and_feedback_is_recorded(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest won")
    at = open_deal(app, "rep", deal_id)
    at.button(key="deal_won").click().run()
    assert "AppTest won is won" in messages(at.success)
    assert current(db, deal_id)["is_won"]
    tasks = table_with(at, "activity_type", "subject")
    assert tasks[["activity_type", "subject", "is_done"]].values.tolist() == [
        ["follow_up", "After-sales follow-up", False]
    ]
    prefix = f"deal_feedback_{deal_id}_0"
    at.button(key=f"FormSubmitter:{prefix}-Record feedback").click().run()
    assert "choose a score from 1" in messages(at.error)
    at.radio(key=f"{prefix}_score").set_value(5)
    at.text_area(key=f"{prefix}_comment").input("Smooth roll-out")
    at.button(key=f"FormSubmitter:{prefix}-Record feedback").click().run()
    assert "Recorded the customer's feedback (5 of 5)" in messages(at.success)
    feedback = table_with(at, "score", "comment")
    assert feedback[["score", "comment"]].values.tolist() == [[5, "Smooth roll-out"]]


def test_read_only_roles_have_no_deal_actions(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest look only")
    at = open_deal(app, "analyst", deal_id)
    assert at.subheader[0].value == "AppTest look only"
    keys = {button.key for button in at.button}
    assert not keys & {"deal_next", "deal_won"}
    assert [tab.label for tab in at.tabs] == ["History", "Activities", "After-sales"]


# --- follow-ups and bulk edits -------------------------------------------------------------


def test_overdue_follow_ups_are_listed_and_marked_done(app, workspace) -> None:
    db, people = workspace
    deal_id = new_deal(db, people["rep"].rep_id, "AppTest overdue")
    with db.transaction() as cur:
        task = pipeline.schedule_follow_up(
            cur,
            people["rep"],
            deal_id,
            TODAY - dt.timedelta(days=2),
            "Check in",
            at=dt.datetime.now() - dt.timedelta(days=3),
        )
    clear_caches()
    at = open_pipeline(app, "rep", "follow_ups")
    listed = table_with(at, "days_overdue", "activity_id")
    assert task in listed["activity_id"].tolist()
    assert listed.set_index("activity_id").loc[task, "days_overdue"] == 2
    at.multiselect(key="pipeline_done_select").select(task).run()
    at.button(key="pipeline_done_button").click().run()
    assert not at.exception, at.exception
    assert "Marked 1 follow-up(s) done" in messages(at.success)
    with db.reading() as cur:
        done = cur.execute(
            "select is_done, done_by from activities where activity_id = $id", {"id": task}
        ).fetchone()
    assert done == (True, people["rep"].user_id)
    still = [frame.value for frame in at.dataframe if "days_overdue" in frame.value.columns]
    assert not still or task not in still[0]["activity_id"].tolist()


def test_a_bulk_edit_reports_each_row(app, workspace) -> None:
    db, people = workspace
    rep = people["rep"].rep_id
    big = new_deal(db, rep, "AppTest bulk big", amount=3000)
    stale = new_deal(db, rep, "AppTest bulk stale", amount=2000)
    small = new_deal(db, rep, "AppTest bulk small", amount=1000)
    at = open_pipeline(app, "manager", "bulk")
    at.sidebar.text_input(key="pipeline_search").input("AppTest bulk").run()
    grid = at.data_editor(key="pipeline_bulk_editor_0").value
    assert grid["opportunity_name"].tolist() == [
        "AppTest bulk big",
        "AppTest bulk stale",
        "AppTest bulk small",
    ]
    with db.transaction() as cur:  # someone else edits the middle row meanwhile
        deals.update_deal(cur, people["admin"], stale, 1, {"next_step": "Theirs"})
    at.session_state["pipeline_bulk_editor_0"] = {
        "edited_rows": {0: {"amount": 3500.0}, 1: {"amount": 2222.0}, 2: {"stage_name": "Lost"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="pipeline_bulk_save").click().run()
    assert not at.exception, at.exception
    outcome = table_with(at, "Outcome", "Reason").set_index("Deal")
    assert outcome["Outcome"].to_dict() == {
        "AppTest bulk big": "saved",
        "AppTest bulk stale": "refused",
        "AppTest bulk small": "refused",
    }
    assert "Alex Admin changed next step" in outcome.loc["AppTest bulk stale", "Reason"]
    assert "loss reason" in outcome.loc["AppTest bulk small", "Reason"]
    assert "1 saved, 2 refused" in messages(at.error)
    assert current(db, big)["amount"] == Decimal("3500.00")
    assert current(db, stale)["amount"] == Decimal("2000.00")
    assert current(db, small)["stage_name"] == "Prospecting"
    # the stale row, re-applied on the current version
    at.button(key="pipeline_bulk_retry").click().run()
    assert current(db, stale)["amount"] == Decimal("2222.00")
    assert current(db, stale)["next_step"] == "Theirs"
