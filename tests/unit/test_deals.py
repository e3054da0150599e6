"""Deals: every change is an event, stale edits are refused, scope and roles are enforced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import deals
from dashboard.auth import Viewer
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError

ADMIN = Viewer(1, "admin@x", "Admin", "admin")
REP_ONE = Viewer(2, "one@x", "Rep One", "rep", rep_id=1)
REP_TWO = Viewer(3, "two@x", "Rep Two", "rep", rep_id=2)
MANAGER_A = Viewer(4, "a@x", "Manager A", "manager", team_id=2)
EXEC = Viewer(5, "e@x", "Exec", "executive")
ANALYST = Viewer(6, "an@x", "Analyst", "analyst")
T0 = dt.datetime(2026, 3, 1, 9, 0)


@pytest.fixture
def org(db):
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'team', null), (3, 'Team B', 1, 'team', null)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id) values (1, 'Rep One', 2), (2, 'Rep Two', 3)"
        )
        cur.execute(
            "insert into users (user_id, email, display_name, role) values"
            " (1, 'admin@x', 'Admin', 'admin'), (2, 'one@x', 'Rep One', 'rep'),"
            " (3, 'two@x', 'Rep Two', 'rep'), (4, 'a@x', 'Manager A', 'manager')"
        )
        cur.execute("insert into fx_rates values ('EUR', '2026-01-01', 1.10)")
    return db


def create(db, viewer=REP_ONE, **values):
    base = {
        "opportunity_name": "Big deal",
        "owner_rep_id": 1,
        "amount": "1000",
        "expected_close_date": "2026-04-30",
    }
    with db.transaction() as cur:
        return deals.create_deal(cur, viewer, {**base, **values}, at=T0)


def update(db, viewer, deal_id, version, at=T0 + dt.timedelta(days=1), **changes):
    with db.transaction() as cur:
        return deals.update_deal(cur, viewer, deal_id, version, changes, at=at)


def history(db, deal_id):
    with db.reading() as cur:
        return deals.list_events(cur, ADMIN, deal_id)


def test_a_new_deal_starts_at_prospecting_with_its_created_event(org) -> None:
    saved = create(org)
    with org.reading() as cur:
        deal = deals.get_deal(cur, REP_ONE, saved.opportunity_id)
    assert (deal["stage_name"], deal["probability"], deal["forecast_category"]) == (
        "Prospecting",
        10,
        "pipeline",
    )
    events = history(org, saved.opportunity_id)
    assert events[["event_type", "new_value", "changed_by"]].values.tolist() == [
        ["created", "Prospecting", "Rep One"]
    ]


def test_each_changed_field_appends_one_event_with_old_and_new(org) -> None:
    saved = create(org)
    result = update(
        org, REP_ONE, saved.opportunity_id, 1, stage_id=4, amount="1500", next_step="Demo"
    )
    assert (result.row_version, result.events) == (
        2,
        5,
    )  # amount, probability, forecast, next step, stage
    events = history(org, saved.opportunity_id).iloc[1:]
    changes = {
        row.field_name: (None if pd.isna(row.old_value) else row.old_value, row.new_value)
        for row in events.itertuples()
    }
    assert changes == {
        "amount": ("1000.00", "1500.00"),
        "probability": ("10.00", "40.00"),
        "forecast_category": ("pipeline", "best_case"),
        "next_step": (None, "Demo"),
        "stage": ("Prospecting", "Approach"),
    }
    last = events.iloc[-1]
    assert (last.stage_name, last.amount_rc, last.probability, last.row_version) == (
        "Approach",
        1500,
        40,
        2,
    )


def test_the_history_replays_to_the_current_state(org) -> None:
    saved = create(org)
    version = update(org, REP_ONE, saved.opportunity_id, 1, stage_id=2).row_version
    version = update(
        org, REP_ONE, saved.opportunity_id, version, amount=2500, at=T0 + dt.timedelta(days=3)
    ).row_version
    version = update(
        org,
        REP_ONE,
        saved.opportunity_id,
        version,
        expected_close_date="2026-06-30",
        at=T0 + dt.timedelta(days=4),
    ).row_version
    update(org, REP_ONE, saved.opportunity_id, version, stage_id=8, at=T0 + dt.timedelta(days=9))
    with org.reading() as cur:
        deal = deals.get_deal(cur, ADMIN, saved.opportunity_id)
    last = history(org, saved.opportunity_id).iloc[-1]
    assert (last.stage_name, last.amount_rc, last.probability, last.expected_close_date.date()) == (
        deal["stage_name"],
        deal["amount_rc"],
        deal["probability"],
        deal["expected_close_date"],
    )
    assert deal["closed_at"] == T0 + dt.timedelta(days=9)
    # created; Qualifying (probability, stage); amount; close date; Won (probability, forecast, stage)
    assert history(org, saved.opportunity_id)["event_type"].tolist() == [
        "created",
        "updated",
        "stage_changed",
        "updated",
        "updated",
        "updated",
        "updated",
        "won",
    ]


def test_a_stale_edit_is_refused_and_says_what_changed(org) -> None:
    saved = create(org)
    update(org, MANAGER_A, saved.opportunity_id, 1, amount=1200)
    with pytest.raises(deals.ConflictError, match="Manager A changed amount") as refused:
        update(org, REP_ONE, saved.opportunity_id, 1, next_step="Call back")
    assert refused.value.changes["new_value"].tolist() == ["1200.00"]
    with org.reading() as cur:
        deal = deals.get_deal(cur, ADMIN, saved.opportunity_id)
    assert (deal["next_step"], deal["amount"], deal["row_version"]) == (None, Decimal("1200.00"), 2)


def test_a_conflict_names_the_fields_as_people_call_them(org) -> None:
    saved = create(org)
    update(
        org,
        MANAGER_A,
        saved.opportunity_id,
        1,
        stage_id=3,
        expected_close_date=dt.date(2026, 3, 31),
        lead_rating="hot",
    )
    with pytest.raises(deals.ConflictError) as refused:
        update(org, REP_ONE, saved.opportunity_id, 1, next_step="Call back")
    message = str(refused.value)
    assert "expected close date" in message and "lead rating" in message and "stage" in message
    assert "_id" not in message and "expected_close_date" not in message


def test_losing_needs_a_reason_and_closes_the_deal(org) -> None:
    saved = create(org)
    with pytest.raises(ValidationError, match="loss reason"):
        update(org, REP_ONE, saved.opportunity_id, 1, stage_id=9)
    update(org, REP_ONE, saved.opportunity_id, 1, stage_id=9, loss_reason="Price")
    with org.reading() as cur:
        deal = deals.get_deal(cur, ADMIN, saved.opportunity_id)
    assert (deal["is_lost"], deal["probability"], deal["loss_reason"]) == (True, 0, "Price")
    assert deal["closed_at"] is not None


def test_reopening_a_lost_deal_clears_close_and_reason(org) -> None:
    saved = create(org)
    update(org, REP_ONE, saved.opportunity_id, 1, stage_id=9, loss_reason="Timing")
    update(org, REP_ONE, saved.opportunity_id, 2, stage_id=3, at=T0 + dt.timedelta(days=5))
    with org.reading() as cur:
        deal = deals.get_deal(cur, ADMIN, saved.opportunity_id)
    assert (deal["closed_at"], deal["loss_reason"], deal["stage_name"]) == (
        None,
        None,
        "Gathering information",
    )
    assert "reopened" in history(org, saved.opportunity_id)["event_type"].tolist()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "-5"}, "cannot be negative"),
        ({"amount": "lots"}, "must be a number"),
        ({"amount": None}, "needs an amount"),
        ({"discount_pct": None}, "needs a discount"),
        ({"expected_close_date": "2026-02-01"}, "before the deal was created"),
        ({"expected_close_date": "31/12/2026"}, "must be a date"),
        ({"stage_id": 42}, "no active stage"),
        ({"probability": 120}, "between 0 and 100"),
        ({"lead_rating": "lukewarm"}, "lead rating"),
        ({"opportunity_name": "  "}, "needs a name"),
        ({"owner_rep_id": 99}, "needs an owner"),
        ({"currency_code": "GBP"}, "no exchange rate for GBP"),
        ({"colour": "red"}, "cannot be set"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(org, values, message) -> None:
    with pytest.raises(ValidationError, match=message):
        create(org, **values)
    with org.reading() as cur:
        assert cur.execute("select count(*) from opportunities").fetchone()[0] == 0
        assert cur.execute("select count(*) from opportunity_events").fetchone()[0] == 0


def test_foreign_currency_is_converted_to_the_reporting_currency(org) -> None:
    saved = create(org, currency_code="eur", amount="1000")
    with org.reading() as cur:
        deal = deals.get_deal(cur, ADMIN, saved.opportunity_id)
    assert (deal["currency_code"], deal["amount"], deal["amount_rc"]) == (
        "EUR",
        1000,
        Decimal("1100.00"),
    )


def test_reps_edit_only_their_own_deals_and_managers_their_subtree(org) -> None:
    saved = create(org)
    with pytest.raises(NotFoundError):
        update(org, REP_TWO, saved.opportunity_id, 1, amount=1)
    with pytest.raises(PermissionDenied, match="reps in your own scope"):
        create(org, REP_ONE, owner_rep_id=2)
    with pytest.raises(PermissionDenied, match="reps in your own scope"):
        update(org, MANAGER_A, saved.opportunity_id, 1, owner_rep_id=2)
    assert update(org, ADMIN, saved.opportunity_id, 1, owner_rep_id=2).row_version == 2
    with pytest.raises(NotFoundError):
        update(org, MANAGER_A, saved.opportunity_id, 2, amount=5)


@pytest.mark.parametrize("viewer", [EXEC, ANALYST])
def test_read_only_roles_cannot_change_deals(org, viewer) -> None:
    with pytest.raises(PermissionDenied, match="cannot change deals"):
        create(org, viewer)


def test_imports_are_for_analysts_and_admins(org) -> None:
    with org.transaction() as cur:
        saved = deals.create_deal(
            cur,
            ANALYST,
            {"opportunity_name": "Imported", "owner_rep_id": 2},
            origin="import",
            batch_id=7,
            external_id="X-1",
            source_system="hubspot",
        )
    events = history(org, saved.opportunity_id)
    assert (events.origin[0], events.batch_id[0]) == ("import", 7)
    with org.transaction() as cur, pytest.raises(PermissionDenied, match="cannot import"):
        deals.create_deal(
            cur, REP_ONE, {"opportunity_name": "x", "owner_rep_id": 1}, origin="import"
        )


def test_an_edit_that_changes_nothing_writes_nothing(org) -> None:
    saved = create(org)
    result = update(org, REP_ONE, saved.opportunity_id, 1, amount="1000.00", next_step="")
    assert (result.row_version, result.events) == (1, 0)
    assert len(history(org, saved.opportunity_id)) == 1


def test_every_write_is_audited(org) -> None:
    saved = create(org)
    update(org, REP_ONE, saved.opportunity_id, 1, amount=5)
    with org.reading() as cur:
        actions = [
            row[0]
            for row in cur.execute("select action from audit_log order by audit_id").fetchall()
        ]
    assert actions == ["create", "update"]


def test_the_furthest_stage_reached_is_kept(org) -> None:
    saved = create(org)
    update(org, REP_ONE, saved.opportunity_id, 1, stage_id=5)
    update(org, REP_ONE, saved.opportunity_id, 2, stage_id=3)
    update(org, REP_ONE, saved.opportunity_id, 3, stage_id=9, loss_reason="Budget")
    with org.reading() as cur:
        assert deals.get_deal(cur, ADMIN, saved.opportunity_id)["furthest_stage_order"] == 5
    won = create(org)
    update(org, REP_ONE, won.opportunity_id, 1, stage_id=8)
    with org.reading() as cur:
        assert deals.get_deal(cur, ADMIN, won.opportunity_id)["furthest_stage_order"] == 7
