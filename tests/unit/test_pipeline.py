"""Pipeline: the board and table by scope and filter, stage moves, bulk edits, activities,
follow-ups and customer feedback, on hand-made deals whose figures are worked out below."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import cli, deals, metrics, pipeline
from dashboard.auth import Viewer
from dashboard.commands.common import CLI_VIEWER
from dashboard.db import Database
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.ui.charts_pipeline import board_chart, deal_timeline_chart, feedback_chart
from tests.conftest import build_small_demo

ADMIN = Viewer(1, "admin@x", "Admin", "admin")
REP_ONE = Viewer(2, "one@x", "Rep One", "rep", rep_id=1)
REP_TWO = Viewer(3, "two@x", "Rep Two", "rep", rep_id=2)
MANAGER_A = Viewer(4, "a@x", "Manager A", "manager", team_id=2)  # Team A and Team A1 below it
EXEC = Viewer(5, "e@x", "Exec", "executive")
ANALYST = Viewer(6, "an@x", "Analyst", "analyst")
REP_THREE = Viewer(7, "three@x", "Rep Three", "rep", rep_id=3)
T0 = dt.datetime(2026, 3, 1, 9, 0)
LATER = T0 + dt.timedelta(days=1)

# name, owner, account, amount, stage, rating, source, expected close
DEALS = {
    "alpha": ("Alpha expansion", 1, 1, "1000", 1, "hot", "Referral", "2026-04-30"),
    "beta": ("Beta renewal", 1, 2, "5000", 1, "warm", "Web", "2026-05-31"),
    "gamma": ("Gamma pilot", 2, 2, "3000", 3, "cold", "Web", "2026-04-15"),
    "delta": ("Delta rollout", 3, 1, "2000", 1, "hot", "Event", "2026-06-30"),
}


@pytest.fixture
def org(db):
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'region', null), (3, 'Team B', 1, 'team', null),"
            " (4, 'Team A1', 2, 'team', null)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id) values"
            " (1, 'Rep One', 2), (2, 'Rep Two', 3), (3, 'Rep Three', 4)"
        )
        cur.execute(
            "insert into users (user_id, email, display_name, role) values"
            " (1, 'admin@x', 'Admin', 'admin'), (2, 'one@x', 'Rep One', 'rep'),"
            " (3, 'two@x', 'Rep Two', 'rep'), (4, 'a@x', 'Manager A', 'manager'),"
            " (7, 'three@x', 'Rep Three', 'rep')"
        )
        cur.execute(
            "insert into territories (territory_id, territory_name, territory_kind) values"
            " (10, 'New York', 'state'), (11, 'Ohio', 'state')"
        )
        cur.execute(
            "insert into accounts (account_id, account_name, territory_id, owner_rep_id) values"
            " (1, 'Atlas Bridge Energy', 10, 1), (2, 'Blue Harbor Foods', 11, 2)"
        )
    return db


@pytest.fixture
def book(org):
    """The four open deals above, plus Epsilon (lost, Rep One), all created at T0."""
    ids = {}
    for key, (name, owner, account, amount, stage, rating, source, close) in DEALS.items():
        ids[key] = create(
            org,
            ADMIN,
            opportunity_name=name,
            owner_rep_id=owner,
            account_id=account,
            amount=amount,
            stage_id=stage,
            lead_rating=rating,
            lead_source=source,
            expected_close_date=close,
        ).opportunity_id
    ids["epsilon"] = create(
        org,
        ADMIN,
        opportunity_name="Epsilon lost",
        owner_rep_id=1,
        account_id=2,
        amount="700",
        stage_id=9,
        loss_reason="Price",
        lead_source="Web",
    ).opportunity_id
    return org, ids


def create(db, viewer, **values):
    with db.transaction() as cur:
        return deals.create_deal(cur, viewer, values, at=T0)


def read(db, function, *args, **kwargs):
    with db.reading() as cur:
        return function(cur, *args, **kwargs)


def write(db, function, *args, **kwargs):
    with db.transaction() as cur:
        return function(cur, *args, **kwargs)


def deal(db, deal_id):
    return read(db, deals.get_deal, ADMIN, deal_id)


def names(page: pipeline.DealPage) -> list[str]:
    return page.rows["opportunity_name"].tolist()


def count(db, table: str) -> int:
    with db.reading() as cur:
        return cur.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


# --- the board -----------------------------------------------------------------------------


def test_the_board_counts_and_totals_open_deals_per_stage(book) -> None:
    db, _ = book
    board = read(db, pipeline.load_board, ADMIN)
    columns = board.columns.set_index("stage_name")
    assert list(columns.index) == [
        "Prospecting",
        "Qualifying",
        "Gathering information",
        "Approach",
        "Presentation",
        "Needs research",
        "Closing",
    ]
    # Prospecting: Alpha 1000 + Beta 5000 + Delta 2000, at 10%; Gathering: Gamma 3000 at 30%
    assert columns.loc["Prospecting", ["deals", "amount", "weighted_amount"]].tolist() == [
        3,
        8000.0,
        800.0,
    ]
    assert columns.loc[
        "Gathering information", ["deals", "amount", "weighted_amount"]
    ].tolist() == [
        1,
        3000.0,
        900.0,
    ]
    assert columns["deals"].sum() == 4  # the lost deal is not on the board
    assert board.cards["opportunity_name"].tolist() == [
        "Beta renewal",
        "Delta rollout",
        "Alpha expansion",
        "Gamma pilot",
    ]


def test_a_column_shows_its_largest_deals_and_says_how_many_more(book) -> None:
    db, _ = book
    board = read(db, pipeline.load_board, ADMIN, per_stage=2)
    prospecting = board.columns.set_index("stage_name").loc["Prospecting"]
    assert (prospecting["deals"], prospecting["shown"], prospecting["more"]) == (3, 2, 1)
    shown = board.cards[board.cards["stage_name"] == "Prospecting"]["opportunity_name"]
    assert shown.tolist() == ["Beta renewal", "Delta rollout"]
    with pytest.raises(ValidationError, match="between 1 and 100"):
        read(db, pipeline.load_board, ADMIN, per_stage=0)


@pytest.mark.parametrize(
    ("viewer", "prospecting", "gathering"),
    [
        (ADMIN, 3, 1),
        (EXEC, 3, 1),
        (MANAGER_A, 3, 0),  # Rep One (Team A) and Rep Three (Team A1, below Team A)
        (REP_ONE, 2, 0),
        (REP_TWO, 0, 1),
        (REP_THREE, 1, 0),
    ],
)
def test_the_board_holds_only_the_viewers_deals(book, viewer, prospecting, gathering) -> None:
    db, _ = book
    columns = read(db, pipeline.load_board, viewer).columns.set_index("stage_name")["deals"]
    assert (columns["Prospecting"], columns["Gathering information"]) == (prospecting, gathering)


# --- the table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "status", "expected"),
    [
        (
            pipeline.PipelineFilter(),
            "open",
            ["Beta renewal", "Gamma pilot", "Delta rollout", "Alpha expansion"],
        ),
        (
            pipeline.PipelineFilter(search_text="atlas"),
            "open",
            ["Delta rollout", "Alpha expansion"],
        ),
        (pipeline.PipelineFilter(search_text="  ALPHA "), "all", ["Alpha expansion"]),
        (pipeline.PipelineFilter(search_text="%"), "all", []),
        (
            pipeline.PipelineFilter(lead_ratings=("hot",)),
            "open",
            ["Delta rollout", "Alpha expansion"],
        ),
        (pipeline.PipelineFilter(lead_sources=("Web",)), "open", ["Beta renewal", "Gamma pilot"]),
        (
            pipeline.PipelineFilter(lead_sources=("Web",)),
            "all",
            ["Beta renewal", "Gamma pilot", "Epsilon lost"],
        ),
        (
            pipeline.PipelineFilter(close_from=dt.date(2026, 4, 1), close_to=dt.date(2026, 4, 30)),
            "open",
            ["Gamma pilot", "Alpha expansion"],
        ),
        (
            pipeline.PipelineFilter(owner_rep_id=1),
            "all",
            ["Beta renewal", "Alpha expansion", "Epsilon lost"],
        ),
        (
            pipeline.PipelineFilter(team_id=2),
            "open",
            ["Beta renewal", "Delta rollout", "Alpha expansion"],
        ),
        (pipeline.PipelineFilter(territory_id=None, product_id=None), "lost", ["Epsilon lost"]),
        (pipeline.PipelineFilter(), "closed", ["Epsilon lost"]),
        (pipeline.PipelineFilter(), "won", []),
    ],
)
def test_the_table_filters_in_sql(book, filters, status, expected) -> None:
    db, _ = book
    page = read(db, pipeline.list_deals, ADMIN, filters, status)
    assert names(page) == expected
    assert page.total == len(expected)


def test_the_lost_deal_closes_on_the_day_it_was_lost(book) -> None:
    db, _ = book
    on_the_day = pipeline.PipelineFilter(close_from=T0.date(), close_to=T0.date())
    assert names(read(db, pipeline.list_deals, ADMIN, on_the_day, "all")) == ["Epsilon lost"]


def test_the_table_pages_and_sorts(book) -> None:
    db, _ = book
    first = read(db, pipeline.list_deals, ADMIN, status="open", page=1, page_size=2)
    second = read(db, pipeline.list_deals, ADMIN, status="open", page=2, page_size=2)
    beyond = read(db, pipeline.list_deals, ADMIN, status="open", page=9, page_size=2)
    assert (names(first), names(second)) == (
        ["Beta renewal", "Gamma pilot"],
        ["Delta rollout", "Alpha expansion"],
    )
    assert (first.total, first.pages, first.amount, second.first_row, second.last_row) == (
        4,
        2,
        11000.0,
        3,
        4,
    )
    assert (beyond.page, names(beyond)) == (2, names(second))
    by_close = read(db, pipeline.list_deals, ADMIN, sort="close_date")
    assert names(by_close) == ["Gamma pilot", "Alpha expansion", "Beta renewal", "Delta rollout"]
    by_name = read(db, pipeline.list_deals, ADMIN, status="all", sort="name")
    assert names(by_name)[0] == "Alpha expansion"


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (REP_ONE, ["Beta renewal", "Alpha expansion", "Epsilon lost"]),
        (REP_TWO, ["Gamma pilot"]),
        (MANAGER_A, ["Beta renewal", "Delta rollout", "Alpha expansion", "Epsilon lost"]),
    ],
)
def test_the_table_holds_only_the_viewers_deals(book, viewer, expected) -> None:
    db, _ = book
    assert names(read(db, pipeline.list_deals, viewer, status="all")) == expected
    # a filter cannot reach outside the scope
    outside = pipeline.PipelineFilter(owner_rep_id=2 if viewer is not REP_TWO else 1)
    assert names(read(db, pipeline.list_deals, viewer, outside, "all")) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"status": "pending"}, "status must be one of"),
        ({"sort": "colour"}, "sort by one of"),
        ({"page_size": 1000}, "between 1 and 500"),
        (
            {
                "filters": pipeline.PipelineFilter(
                    close_from=dt.date(2026, 5, 1), close_to=dt.date(2026, 4, 1)
                )
            },
            "ends .* before it starts",
        ),
        ({"filters": pipeline.PipelineFilter(lead_ratings=("lukewarm",))}, "lead rating"),
    ],
)
def test_bad_table_requests_are_explained(book, arguments, message) -> None:
    db, _ = book
    with pytest.raises(ValidationError, match=message):
        read(db, pipeline.list_deals, ADMIN, **arguments)


# --- creating and changing deals ----------------------------------------------------------


def test_a_new_deal_takes_its_accounts_territory_and_the_stage_defaults(org) -> None:
    saved = write(
        org,
        pipeline.save_new_deal,
        REP_ONE,
        {
            "opportunity_name": "Zeta",
            "account_id": 1,
            "territory_id": None,
            "amount": 2500.0,
            "probability": None,
            "forecast_category": None,
            "lead_source": "",
            "expected_close_date": dt.date(2026, 6, 1),
        },
        at=T0,
    )
    created = deal(org, saved.opportunity_id)
    assert (
        created["territory_name"],
        created["owner_name"],
        created["probability"],
        created["forecast_category"],
        created["lead_source"],
    ) == ("New York", "Rep One", 10, "pipeline", None)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": -5}, "cannot be negative"),
        ({"amount": None}, "amount cannot be empty"),
        ({"expected_close_date": dt.date(2026, 2, 1)}, "before the deal was created"),
        ({"stage_id": 42}, "no active stage"),
        ({"stage_id": 9}, "loss reason"),
        ({"account_id": 99}, "no account with id 99"),
    ],
)
def test_a_bad_new_deal_is_explained_and_nothing_is_written(org, values, message) -> None:
    with pytest.raises(ValidationError, match=message):
        write(
            org,
            pipeline.save_new_deal,
            REP_ONE,
            {"opportunity_name": "Bad", "amount": 10, **values},
            at=T0,
        )
    assert (count(org, "opportunities"), count(org, "opportunity_events")) == (0, 0)


def test_a_deal_created_as_won_gets_its_follow_up(org) -> None:
    saved = write(
        org,
        pipeline.save_new_deal,
        ADMIN,
        {"opportunity_name": "Signed", "owner_rep_id": 1, "amount": 100, "stage_id": 8},
        at=T0,
    )
    tasks = read(org, pipeline.list_activities, ADMIN, saved.opportunity_id)
    assert tasks[["activity_type", "is_done"]].values.tolist() == [["follow_up", False]]
    assert tasks["due_date"].iloc[0].date() == dt.date(2026, 3, 15)


def test_next_stage_moves_a_deal_and_records_the_move(book) -> None:
    db, ids = book
    move = write(db, pipeline.advance_stage, REP_ONE, ids["alpha"], 1, at=LATER)
    assert (move.from_stage, move.to_stage, move.saved.row_version) == (
        "Prospecting",
        "Qualifying",
        2,
    )
    moved = deal(db, ids["alpha"])
    assert (moved["stage_name"], moved["probability"]) == ("Qualifying", 20)
    last = read(db, deals.list_events, ADMIN, ids["alpha"]).iloc[-1]
    assert (last.event_type, last.old_value, last.new_value, last.changed_by) == (
        "stage_changed",
        "Prospecting",
        "Qualifying",
        "Rep One",
    )


def test_after_the_last_open_stage_comes_won_with_its_follow_up(book) -> None:
    db, ids = book
    write(db, pipeline.save_deal_changes, ADMIN, ids["beta"], 1, {"stage_id": 7}, at=LATER)
    move = write(db, pipeline.advance_stage, REP_ONE, ids["beta"], 2, at=LATER)
    assert move.to_stage == "Won"
    won = deal(db, ids["beta"])
    assert (won["is_won"], won["closed_at"]) == (True, LATER)
    tasks = read(db, pipeline.list_activities, REP_ONE, ids["beta"])
    assert tasks[["activity_type", "subject", "is_done"]].values.tolist() == [
        ["follow_up", "After-sales follow-up", False]
    ]
    assert tasks["due_date"].iloc[0].date() == LATER.date() + dt.timedelta(days=14)
    with pytest.raises(ValidationError, match="is won; it has no next stage"):
        write(db, pipeline.advance_stage, REP_ONE, ids["beta"], 3, at=LATER)


def test_winning_again_does_not_add_a_second_open_follow_up(book) -> None:
    db, ids = book
    write(db, pipeline.mark_won, REP_ONE, ids["alpha"], 1, at=LATER)
    write(db, pipeline.save_deal_changes, REP_ONE, ids["alpha"], 2, {"stage_id": 7}, at=LATER)
    write(db, pipeline.mark_won, REP_ONE, ids["alpha"], 3, at=LATER)
    tasks = read(db, pipeline.list_activities, REP_ONE, ids["alpha"])
    assert len(tasks) == 1


def test_marking_lost_needs_a_reason_and_a_failed_save_changes_nothing(book) -> None:
    db, ids = book
    events_before = count(db, "opportunity_events")
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError, match="a lost deal needs a loss reason"):
            write(db, pipeline.mark_lost, REP_ONE, ids["alpha"], 1, reason, at=LATER)
    assert count(db, "opportunity_events") == events_before
    assert deal(db, ids["alpha"])["stage_name"] == "Prospecting"
    write(db, pipeline.mark_lost, REP_ONE, ids["alpha"], 1, " Budget ", at=LATER)
    lost = deal(db, ids["alpha"])
    assert (lost["stage_name"], lost["loss_reason"], lost["probability"]) == ("Lost", "Budget", 0)


def test_a_stale_move_shows_what_changed_and_keeps_the_users_change(book) -> None:
    db, ids = book
    write(db, pipeline.save_deal_changes, MANAGER_A, ids["alpha"], 1, {"amount": 1200}, at=LATER)
    with pytest.raises(pipeline.StaleEditError, match="Manager A changed amount") as refused:
        write(db, pipeline.advance_stage, REP_ONE, ids["alpha"], 1, at=LATER)
    assert refused.value.changes[["field_name", "old_value", "new_value"]].values.tolist() == [
        ["amount", "1000.00", "1200.00"]
    ]
    assert refused.value.pending == {"stage_id": 2}
    assert deal(db, ids["alpha"])["stage_name"] == "Prospecting"  # nothing saved
    saved = write(db, pipeline.reapply_changes, REP_ONE, ids["alpha"], refused.value.pending)
    after = deal(db, ids["alpha"])
    assert (saved.row_version, after["stage_name"], after["amount"]) == (
        3,
        "Qualifying",
        Decimal("1200.00"),
    )


def test_a_stale_move_aims_at_the_stage_after_the_one_the_user_saw(book) -> None:
    db, ids = book
    write(db, pipeline.advance_stage, MANAGER_A, ids["alpha"], 1, at=LATER)  # to Qualifying
    with pytest.raises(pipeline.StaleEditError) as refused:
        write(db, pipeline.advance_stage, REP_ONE, ids["alpha"], 1, seen_stage_id=1, at=LATER)
    assert refused.value.pending == {"stage_id": 2}  # Qualifying, not one further
    saved = write(db, pipeline.reapply_changes, REP_ONE, ids["alpha"], refused.value.pending)
    assert (saved.events, deal(db, ids["alpha"])["stage_name"]) == (0, "Qualifying")


@pytest.mark.parametrize(
    ("viewer", "key", "error"),
    [
        (REP_TWO, "alpha", NotFoundError),
        (MANAGER_A, "gamma", NotFoundError),
        (EXEC, "alpha", PermissionDenied),
        (ANALYST, "alpha", PermissionDenied),
    ],
)
def test_moves_outside_the_viewers_role_or_scope_are_refused(book, viewer, key, error) -> None:
    db, ids = book
    with pytest.raises(error):
        write(db, pipeline.advance_stage, viewer, ids[key], 1, at=LATER)
    assert deal(db, ids[key])["row_version"] == 1


def test_a_manager_moves_deals_of_the_whole_subtree(book) -> None:
    db, ids = book
    move = write(db, pipeline.advance_stage, MANAGER_A, ids["delta"], 1, at=LATER)
    assert move.to_stage == "Qualifying"


@pytest.mark.parametrize("field", ["amount", "probability", "discount_pct"])
def test_an_emptied_number_is_refused(book, field) -> None:
    db, ids = book
    with pytest.raises(ValidationError, match="cannot be empty"):
        write(db, pipeline.save_deal_changes, REP_ONE, ids["alpha"], 1, {field: None})


def test_a_form_diff_holds_only_what_the_user_changed(book) -> None:
    db, ids = book
    current = deal(db, ids["alpha"])
    typed = {
        "opportunity_name": "Alpha expansion ",
        "amount": 1000.0,
        "probability": 10.0,
        "next_step": "",
        "expected_close_date": dt.date(2026, 4, 30),
        "lead_rating": "hot",
        "account_id": 1,
        "is_recurring": False,
        "stage_id": 1,
    }
    assert pipeline.diff_changes(current, typed) == {}
    typed.update(amount=1250.5, next_step="Send proposal", stage_id=2)
    assert pipeline.diff_changes(current, typed) == {
        "amount": 1250.5,
        "next_step": "Send proposal",
        "stage_id": 2,
    }


# --- bulk edits ----------------------------------------------------------------------------


def test_grid_edits_keep_changed_cells_and_the_rows_version(book) -> None:
    db, _ = book
    grid = read(db, pipeline.list_deals, ADMIN).rows  # Beta, Gamma, Delta, Alpha
    edits = pipeline.collect_grid_edits(
        grid,
        {
            "0": {"amount": 5500, "owner_name": "Someone"},  # owner is not editable
            "2": {"expected_close_date": "2026-07-15T00:00:00.000"},
            "3": {"amount": 1000.0, "stage_name": "Prospecting"},  # the same values
        },
    )
    assert [(edit.opportunity_name, edit.row_version, edit.changes) for edit in edits] == [
        ("Beta renewal", 1, {"amount": 5500}),
        ("Delta rollout", 1, {"expected_close_date": dt.date(2026, 7, 15)}),
    ]


def test_a_bulk_edit_saves_rows_on_their_own_and_says_why_others_were_refused(book) -> None:
    db, ids = book
    write(db, pipeline.save_deal_changes, ADMIN, ids["delta"], 1, {"next_step": "Call"}, at=LATER)
    edits = [
        pipeline.RowEdit(ids["alpha"], 1, {"amount": 1500}, "Alpha expansion"),
        pipeline.RowEdit(ids["beta"], 1, {"stage_name": "Lost"}, "Beta renewal"),
        pipeline.RowEdit(ids["gamma"], 1, {"amount": 10}, "Gamma pilot"),
        pipeline.RowEdit(ids["delta"], 1, {"amount": 2500}, "Delta rollout"),
        pipeline.RowEdit(ids["alpha"], 2, {"stage_name": "Limbo"}, "Alpha expansion"),
        pipeline.RowEdit(ids["beta"], 1, {"amount": -1}, "Beta renewal"),
    ]
    outcomes = pipeline.apply_bulk_edits(db, MANAGER_A, edits, at=LATER)
    table = pipeline.describe_outcomes(outcomes)
    assert table["outcome"].tolist() == [
        "saved",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
    ]
    reasons = table["reason"].tolist()
    assert "loss reason" in reasons[1]
    assert "no deal" in reasons[2] and "that you can see" in reasons[2]
    assert "Admin changed next step" in reasons[3]
    assert "no stage called 'Limbo'" in reasons[4]
    assert "cannot be negative" in reasons[5]
    assert [item.is_conflict for item in outcomes] == [False, False, False, True, False, False]
    assert table["row_version"].tolist()[0] == 2
    assert table["changes"].tolist()[0] == "amount 1500"
    # only the first row changed anything
    assert (deal(db, ids["alpha"])["amount"], deal(db, ids["beta"])["stage_name"]) == (
        Decimal("1500.00"),
        "Prospecting",
    )
    assert deal(db, ids["delta"])["amount"] == Decimal("2000.00")
    # the stale row, re-applied on the current version once its reason was read
    again = pipeline.apply_bulk_edits(
        db, MANAGER_A, [outcomes[3].edit], at=LATER, on_current_version=True
    )
    assert [item.outcome for item in again] == ["saved"]
    assert (deal(db, ids["delta"])["amount"], deal(db, ids["delta"])["next_step"]) == (
        Decimal("2500.00"),
        "Call",
    )


def test_an_unchanged_row_is_reported_as_such(book) -> None:
    db, ids = book
    outcomes = pipeline.apply_bulk_edits(
        db, REP_ONE, [pipeline.RowEdit(ids["alpha"], 1, {"amount": "1000"}, "Alpha")]
    )
    assert [(item.outcome, item.message) for item in outcomes] == [
        ("unchanged", "nothing to change")
    ]


@pytest.mark.parametrize("viewer", [EXEC, ANALYST])
def test_read_only_roles_cannot_bulk_edit(book, viewer) -> None:
    db, ids = book
    with pytest.raises(PermissionDenied, match="cannot change deals"):
        pipeline.apply_bulk_edits(db, viewer, [pipeline.RowEdit(ids["alpha"], 1, {"amount": 1})])


# --- activities ----------------------------------------------------------------------------


def test_an_activity_is_logged_on_a_deal_and_audited(book) -> None:
    db, ids = book
    activity_id = write(
        db,
        pipeline.log_activity,
        REP_ONE,
        ids["alpha"],
        "call",
        dt.datetime(2026, 3, 2, 10, 30),
        "  Discovery ",
        "Wants a demo",
        at=dt.datetime(2026, 3, 2, 11, 0),
    )
    logged = read(db, pipeline.list_activities, MANAGER_A, ids["alpha"])
    assert logged[
        ["activity_id", "activity_type", "subject", "notes", "is_done"]
    ].values.tolist() == [[activity_id, "call", "Discovery", "Wants a demo", True]]
    assert (logged["rep_name"][0], logged["logged_by_name"][0]) == ("Rep One", "Rep One")
    with db.reading() as cur:
        audit = cur.execute(
            "select action, entity, entity_id from audit_log where entity = 'activities'"
        ).fetchall()
    assert audit == [("log_activity", "activities", str(activity_id))]


@pytest.mark.parametrize(
    ("viewer", "arguments", "error", "message"),
    [
        (REP_ONE, ("lunch", "2026-03-02"), ValidationError, "type must be one of call, meeting"),
        (REP_ONE, ("call", "2026-03-09"), ValidationError, "in the future"),
        (REP_ONE, ("call", "2026-02-27"), ValidationError, "before the deal was created"),
        (REP_ONE, ("call", "last week"), ValidationError, "must be a date"),
        (REP_TWO, ("call", "2026-03-02"), NotFoundError, "that you can see"),
        (EXEC, ("call", "2026-03-02"), PermissionDenied, "cannot log activities"),
        (ANALYST, ("meeting", "2026-03-02"), PermissionDenied, "cannot log activities"),
    ],
)
def test_bad_or_out_of_scope_activities_are_refused(
    book, viewer, arguments, error, message
) -> None:
    db, ids = book
    with pytest.raises(error, match=message):
        write(
            db, pipeline.log_activity, viewer, ids["alpha"], *arguments, at=dt.datetime(2026, 3, 5)
        )
    assert count(db, "activities") == 0


def test_an_overlong_subject_is_refused(book) -> None:
    db, ids = book
    with pytest.raises(ValidationError, match="at most 200 characters"):
        write(db, pipeline.log_activity, REP_ONE, ids["alpha"], "call", T0, "x" * 201, at=T0)


# --- follow-ups ----------------------------------------------------------------------------


@pytest.fixture
def follow_ups(book):
    """Follow-ups due 2026-03-10 on Alpha (Rep One), Gamma (Rep Two) and Delta (Rep Three),
    one on Beta due 2026-03-25, and one on Alpha already done; looked at on 2026-03-20."""
    db, ids = book
    tasks = {}
    for key in ("alpha", "gamma", "delta"):
        tasks[key] = write(
            db,
            pipeline.schedule_follow_up,
            ADMIN,
            ids[key],
            dt.date(2026, 3, 10),
            f"Call {key}",
            at=T0,
        )
    tasks["beta"] = write(
        db, pipeline.schedule_follow_up, ADMIN, ids["beta"], "2026-03-25", "Later", at=T0
    )
    done = write(db, pipeline.schedule_follow_up, ADMIN, ids["alpha"], dt.date(2026, 3, 5), at=T0)
    write(db, pipeline.complete_follow_up, ADMIN, done, at=T0)
    return db, ids, tasks


TODAY = dt.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (REP_ONE, ["Alpha expansion"]),
        (REP_TWO, ["Gamma pilot"]),
        (MANAGER_A, ["Alpha expansion", "Delta rollout"]),
        (ADMIN, ["Alpha expansion", "Gamma pilot", "Delta rollout"]),
        (EXEC, ["Alpha expansion", "Gamma pilot", "Delta rollout"]),
    ],
)
def test_overdue_follow_ups_are_listed_for_the_owner_and_the_manager(
    follow_ups, viewer, expected
) -> None:
    db, _, _ = follow_ups
    overdue = read(db, pipeline.list_overdue_follow_ups, viewer, TODAY)
    assert overdue["opportunity_name"].tolist() == expected
    assert set(overdue["days_overdue"]) == {10}
    assert set(overdue["total_overdue"]) == {len(expected)}


def test_overdue_lists_are_limited_but_count_them_all(follow_ups) -> None:
    db, _, _ = follow_ups
    overdue = read(db, pipeline.list_overdue_follow_ups, ADMIN, TODAY, limit=1)
    assert (len(overdue), overdue["total_overdue"].iloc[0]) == (1, 3)


def test_a_follow_up_due_today_is_not_overdue_yet(follow_ups) -> None:
    db, _, _ = follow_ups
    assert read(db, pipeline.list_overdue_follow_ups, ADMIN, dt.date(2026, 3, 10)).empty


def test_marking_a_follow_up_done_is_kept_and_audited(follow_ups) -> None:
    db, ids, tasks = follow_ups
    at = dt.datetime(2026, 3, 20, 16, 0)
    write(db, pipeline.complete_follow_up, REP_ONE, tasks["alpha"], at=at)
    assert read(db, pipeline.list_overdue_follow_ups, REP_ONE, TODAY).empty
    listed = read(db, pipeline.list_activities, REP_ONE, ids["alpha"]).set_index("activity_id")
    task = listed.loc[tasks["alpha"]]
    assert (task["is_done"], task["done_at"], task["done_by_name"], task["subject"]) == (
        True,
        at,
        "Rep One",
        "Call alpha",
    )
    assert task["due_date"].date() == dt.date(2026, 3, 10)  # the task itself is unchanged
    with db.reading() as cur:
        actions = cur.execute(
            "select action, entity_id from audit_log where action = 'complete_follow_up'"
            " order by audit_id"
        ).fetchall()
    assert actions[-1] == ("complete_follow_up", str(tasks["alpha"]))
    with pytest.raises(ValidationError, match="done already"):
        write(db, pipeline.complete_follow_up, REP_ONE, tasks["alpha"], at=at)


@pytest.mark.parametrize(
    ("viewer", "key", "error"),
    [
        (REP_TWO, "alpha", NotFoundError),
        (MANAGER_A, "gamma", NotFoundError),
        (EXEC, "alpha", PermissionDenied),
    ],
)
def test_only_follow_ups_in_scope_can_be_marked_done(follow_ups, viewer, key, error) -> None:
    db, _, tasks = follow_ups
    with pytest.raises(error):
        write(db, pipeline.complete_follow_up, viewer, tasks[key])
    assert len(read(db, pipeline.list_overdue_follow_ups, ADMIN, TODAY)) == 3


def test_a_manager_completes_a_follow_up_in_the_subtree(follow_ups) -> None:
    db, _, tasks = follow_ups
    write(db, pipeline.complete_follow_up, MANAGER_A, tasks["delta"])
    assert read(db, pipeline.list_overdue_follow_ups, MANAGER_A, TODAY)[
        "opportunity_name"
    ].tolist() == ["Alpha expansion"]


def test_only_follow_ups_can_be_marked_done(book) -> None:
    db, ids = book
    call = write(db, pipeline.log_activity, REP_ONE, ids["alpha"], "call", T0, at=T0)
    with pytest.raises(ValidationError, match="only follow-up tasks"):
        write(db, pipeline.complete_follow_up, REP_ONE, call)


@pytest.mark.parametrize(
    ("due", "message"),
    [(dt.date(2026, 2, 28), "in the past"), (None, "needs a due date"), ("soon", "must be a date")],
)
def test_a_follow_up_needs_a_due_date_not_in_the_past(book, due, message) -> None:
    db, ids = book
    with pytest.raises(ValidationError, match=message):
        write(db, pipeline.schedule_follow_up, REP_ONE, ids["alpha"], due, at=T0)


# --- customer feedback ---------------------------------------------------------------------


@pytest.fixture
def won(book):
    db, ids = book
    write(db, pipeline.mark_won, ADMIN, ids["alpha"], 1, at=LATER)
    write(db, pipeline.mark_won, ADMIN, ids["beta"], 1, at=LATER)
    return db, ids


def test_feedback_on_won_deals_is_listed_and_summarised_per_owner(won) -> None:
    db, ids = won
    write(db, pipeline.record_feedback, REP_ONE, ids["alpha"], 5, " Great ", at=LATER)
    write(db, pipeline.record_feedback, MANAGER_A, ids["alpha"], "2", None, at=LATER)
    write(db, pipeline.record_feedback, REP_ONE, ids["beta"], 4.0, "Fine", at=LATER)
    listed = read(db, pipeline.list_feedback, REP_ONE, ids["alpha"])  # newest first
    assert listed[["score", "comment", "entered_by"]].fillna("").values.tolist() == [
        [2, "", "Manager A"],
        [5, "Great", "Rep One"],
    ]
    summary = read(db, pipeline.summarise_feedback, MANAGER_A)
    assert summary[
        ["owner_name", "responses", "score_total", "average_score", "low_scores"]
    ].values.tolist() == [["Rep One", 3, 11, 3.67, 1]]
    assert read(db, pipeline.summarise_feedback, REP_TWO).empty


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (6, "whole number from 1 to 5"),
        (0, "whole number from 1 to 5"),
        (3.5, "whole number from 1 to 5"),
        ("good", "whole number from 1 to 5"),
        (None, "choose a score"),
        (True, "choose a score"),
    ],
)
def test_a_feedback_score_is_a_whole_number_from_1_to_5(won, score, message) -> None:
    db, ids = won
    with pytest.raises(ValidationError, match=message):
        write(db, pipeline.record_feedback, REP_ONE, ids["alpha"], score)
    assert count(db, "customer_feedback") == 0


@pytest.mark.parametrize(
    ("viewer", "key", "error", "message"),
    [
        (REP_ONE, "epsilon", ValidationError, "recorded on won deals"),
        (REP_ONE, "delta", NotFoundError, "that you can see"),
        (REP_TWO, "alpha", NotFoundError, "that you can see"),
        (EXEC, "alpha", PermissionDenied, "cannot record customer feedback"),
    ],
)
def test_feedback_only_on_won_deals_in_scope(won, viewer, key, error, message) -> None:
    db, ids = won
    with pytest.raises(error, match=message):
        write(db, pipeline.record_feedback, viewer, ids[key], 4)


def test_the_database_refuses_a_score_outside_1_to_5(db) -> None:
    with pytest.raises(Exception, match="CHECK constraint"), db.transaction() as cur:
        cur.execute(
            "insert into customer_feedback (opportunity_id, rep_id, score, received_at)"
            " values (1, 1, 7, current_timestamp)"
        )


# --- on the demo workspace -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "executive", "manager", "rep", "analyst"])
def test_the_board_agrees_with_the_overviews_pipeline_by_stage(demo_db, demo_viewers, role) -> None:
    viewer = demo_viewers[role]
    board = read(demo_db, pipeline.load_board, viewer)
    overview = read(demo_db, metrics.load_pipeline_by_stage, viewer)
    assert board.columns["deals"].tolist() == overview["deals"].tolist()
    assert board.columns["amount"].round(2).tolist() == overview["amount"].round(2).tolist()
    table = read(demo_db, pipeline.list_deals, viewer, status="open")
    assert table.total == board.columns["deals"].sum()


def test_a_demo_rep_sees_only_their_own_deals(demo_db, demo_viewers) -> None:
    rep = demo_viewers["rep"]
    page = read(demo_db, pipeline.list_deals, rep, status="all", page_size=500)
    with demo_db.reading() as cur:
        own = cur.execute(
            "select count(*) from opportunities where owner_rep_id = $rep", {"rep": rep.rep_id}
        ).fetchone()[0]
    assert page.total == own > 0
    assert set(page.rows["owner_name"]) == {rep.display_name}
    cards = read(demo_db, pipeline.load_board, rep).cards
    assert set(cards["owner_name"]) <= {rep.display_name}


def test_demo_overdue_follow_ups_nest_by_scope(demo_db, demo_viewers) -> None:
    today = dt.date.today()
    totals = {
        role: int(frame["total_overdue"].iloc[0]) if len(frame) else 0
        for role in ("admin", "manager", "rep")
        for frame in [read(demo_db, pipeline.list_overdue_follow_ups, demo_viewers[role], today)]
    }
    assert totals["admin"] >= totals["manager"] >= totals["rep"]
    assert totals["admin"] > 0
    rep_rows = read(demo_db, pipeline.list_overdue_follow_ups, demo_viewers["rep"], today)
    assert (pd.to_datetime(rep_rows["due_date"]).dt.date < today).all()


# --- the command line ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipeline_cli") / "demo.duckdb"
    build_small_demo(path, deals=1500).close()
    return path


def run_cli(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else None, captured.err


def test_the_board_command_prints_each_stage_with_its_largest_deals(capsys, demo_file) -> None:
    code, board, _ = run_cli(
        capsys, "pipeline", "board", "--db", str(demo_file), "--per-stage", "2", "--rating", "hot"
    )
    assert code == 0
    stages = board["stages"]
    assert [stage["stage_name"] for stage in stages][0] == "Prospecting"
    for stage in stages:
        assert len(stage["largest"]) == min(2, stage["deals"])
        assert stage["more"] == stage["deals"] - len(stage["largest"])
        assert all(deal["lead_rating"] == "hot" for deal in stage["largest"])
        amounts = [deal["amount_rc"] for deal in stage["largest"]]
        assert amounts == sorted(amounts, reverse=True)


def test_the_deals_command_filters_and_pages(capsys, demo_file) -> None:
    code, page, _ = run_cli(
        capsys,
        "pipeline",
        "deals",
        "--db",
        str(demo_file),
        "--status",
        "won",
        "--page-size",
        "5",
        "--page",
        "2",
    )
    assert code == 0
    assert (page["page"], len(page["deals"])) == (2, 5)
    assert {deal["deal_status"] for deal in page["deals"]} == {"won"}
    assert page["pages"] == -(-page["total"] // 5)


def test_the_overdue_command_agrees_with_the_domain(capsys, demo_file) -> None:
    code, overdue, _ = run_cli(
        capsys, "pipeline", "overdue", "--db", str(demo_file), "--as-of", "2026-11-01"
    )
    assert code == 0
    database = Database(str(demo_file))
    try:
        expected = read(
            database, pipeline.list_overdue_follow_ups, CLI_VIEWER, dt.date(2026, 11, 1)
        )
    finally:
        database.close()
    assert overdue["total"] == (int(expected["total_overdue"].iloc[0]) if len(expected) else 0)
    assert all(item["days_overdue"] > 0 for item in overdue["follow_ups"])


def test_a_bad_command_line_filter_is_explained(capsys, demo_file) -> None:
    code, _, error = run_cli(
        capsys,
        "pipeline",
        "deals",
        "--db",
        str(demo_file),
        "--close-from",
        "2026-12-01",
        "--close-to",
        "2026-11-01",
    )
    assert code == 2
    assert "error: the close date range ends" in error


@pytest.mark.parametrize(
    ("sort_order", "expected"),
    [(1, "Qualifying"), (6, "Closing"), (7, "Won"), (8, None), (9, None)],
)
def test_the_stage_a_next_move_leads_to(cur, sort_order, expected) -> None:
    assert pipeline.following_stage(pipeline.list_stages(cur), sort_order) == expected


# --- charts --------------------------------------------------------------------------------


def test_the_board_chart_draws_each_stage_count(book) -> None:
    db, _ = book
    figure = board_chart(read(db, pipeline.load_board, ADMIN).columns)
    funnel = figure.data[0]
    assert list(funnel.y)[:3] == ["Prospecting", "Qualifying", "Gathering information"]
    assert list(funnel.x)[:3] == [3, 0, 1]
    assert figure.layout.title.text == "Open deals by stage"


def test_the_timeline_chart_steps_through_stage_and_amount_until_now(book) -> None:
    db, ids = book
    write(db, pipeline.advance_stage, REP_ONE, ids["alpha"], 1, at=LATER)
    write(db, pipeline.save_deal_changes, REP_ONE, ids["alpha"], 2, {"amount": 1800}, at=LATER)
    events = read(db, pipeline.load_timeline, REP_ONE, ids["alpha"])
    until = dt.datetime(2026, 3, 10)
    figure = deal_timeline_chart(events, until)
    stage, amount = figure.data
    assert (stage.line.shape, amount.line.shape) == ("hv", "hv")
    # created at T0, changed at LATER (stage and amount together), held until `until`
    assert list(stage.customdata) == ["Prospecting", "Qualifying", "Qualifying"]
    assert list(amount.y) == [1000.0, 1800.0, 1800.0]
    assert pd.Timestamp(stage.x[-1]) == pd.Timestamp(until)
    assert list(figure.layout.yaxis.ticktext) == ["Prospecting", "Qualifying"]


def test_the_feedback_chart_colours_scores_by_band() -> None:
    summary = pd.DataFrame(
        {"owner_name": ["A", "B", "C"], "average_score": [4.5, 3.2, 1.5], "responses": [4, 5, 2]}
    )
    bars = feedback_chart(summary).data[0]
    colours = dict(zip(bars.y, bars.marker.color, strict=True))
    assert colours == {"A": "#16a34a", "B": "#f59e0b", "C": "#dc2626"}
