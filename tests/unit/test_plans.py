"""Sales plans: validation, versions with who/when and a diff, stale saves, scope, exports."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import plans
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.goals import StaleVersion
from tests.unit.test_goals import (
    ADMIN,
    ANALYST,
    EXEC,
    MANAGER_DENVER,
    MANAGER_EAST,
    Q4,
    REP_ANN,
    build_sales,
)

T = dt.datetime


@pytest.fixture
def sales(db):
    build_sales(db)
    return db


INITIATIVES = [
    {
        "title": "Win back lapsed accounts",
        "owner": "Ann Archer",
        "due_date": dt.date(2026, 12, 15),
        "status": "in_progress",
        "expected_impact": 25000,
        "notes": "Top 20 from last year",
    },
    {"title": "Partner webinar", "owner": "Bob Baker", "status": "planned"},
]


def content(**overrides) -> plans.PlanContent:
    values = {
        "title": "Boston Q4 plan",
        "objectives": "Book $1.5M",
        "strategy": "Focus on renewals",
        "headcount": 2,
        "budget": "12,500",
        "initiatives": INITIATIVES,
    }
    return plans.check_plan_content(**{**values, **overrides})


def save(db, viewer, plan_content, expected_version, scope=("team", 4), now=None):
    with db.transaction() as cur:
        return plans.save_plan(
            cur, viewer, scope[0], scope[1], Q4, plan_content, expected_version, now=now
        )


def count(db, table: str) -> int:
    with db.reading() as cur:
        return cur.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


def test_plan_content_is_checked_and_cleaned() -> None:
    checked = content()
    assert checked.budget == Decimal("12500.00") and checked.headcount == 2
    assert [item.status for item in checked.initiatives] == ["in_progress", "planned"]
    assert checked.initiatives[0].expected_impact == Decimal("25000.00")
    frame = pd.DataFrame(
        [
            {"title": " Trade show ", "status": "In progress", "due_date": "2026-12-01"},
            {"title": None, "owner": None, "due_date": None, "status": None},  # an empty row
        ]
    )
    from_editor = plans.check_plan_content("Plan", initiatives=frame)
    assert from_editor.initiatives == (
        plans.Initiative("Trade show", None, dt.date(2026, 12, 1), "in_progress", None, None),
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "The plan needs a title."),
        ({"budget": -5}, "Budget cannot be negative"),
        ({"budget": "a lot"}, "Budget 'a lot' is not a number"),
        ({"headcount": 2.5}, "Headcount is a whole number of people"),
        ({"headcount": -1}, "Headcount is a whole number of people"),
        ({"initiatives": [{"owner": "Ann"}]}, "Initiative 1: a title is needed."),
        (
            {"initiatives": [{"title": "A"}, {"title": "a"}]},
            "Initiative 2: the same title as initiative 1.",
        ),
        ({"initiatives": [{"title": "A", "status": "someday"}]}, "status 'someday' is not one of"),
        (
            {"initiatives": [{"title": "A", "due_date": "soon"}]},
            "the due date 'soon' is not a date",
        ),
        ({"initiatives": [{"title": "A", "expected_impact": -1}]}, "cannot be negative"),
    ],
)
def test_bad_plans_are_refused_and_explained(overrides, message) -> None:
    with pytest.raises(ValidationError, match="Nothing was saved") as refused:
        content(**overrides)
    assert message in str(refused.value)


def test_every_save_appends_a_version_with_who_and_when(sales) -> None:
    created = save(sales, MANAGER_EAST, content(), None, now=T(2026, 11, 2, 9))
    assert (created.action, created.plan.version) == ("created", 1)
    assert created.plan.updated_by_name == "Mia East"
    changed = content(
        budget=15000,
        initiatives=[
            {**INITIATIVES[0], "status": "done"},
            {"title": "Referral drive", "owner": "Ann Archer"},
        ],
    )
    saved = save(sales, EXEC, changed, 1, now=T(2026, 11, 5, 14))
    assert (saved.action, saved.plan.version) == ("saved", 2)
    assert saved.message == (
        "Saved version 2 of Boston · 2026-Q4: Budget (USD), Win back lapsed accounts Status, "
        "Referral drive (added), Partner webinar (removed)."
    )
    with sales.reading() as cur:
        versions = plans.list_plan_versions(cur, ADMIN, saved.plan.plan_id)
        diff = plans.diff_plan_versions(cur, ADMIN, saved.plan.plan_id, 1, 2)
        first = plans.load_plan_version(cur, ADMIN, saved.plan.plan_id, 1)
        audit = cur.execute("select action, entity, user_id from audit_log").fetchall()
    assert versions[["version", "saved_by_name"]].values.tolist() == [
        [2, "Erin Exec"],
        [1, "Mia East"],
    ]
    assert list(versions["saved_at"]) == [
        pd.Timestamp(2026, 11, 5, 14),
        pd.Timestamp(2026, 11, 2, 9),
    ]
    assert diff.values.tolist() == [
        ["Plan", "", "Budget (USD)", "$12,500", "$15,000"],
        ["Initiative", "Win back lapsed accounts", "Status", "In progress", "Done"],
        ["Initiative", "Referral drive", "(added)", "–", "Planned, owner Ann Archer"],
        ["Initiative", "Partner webinar", "(removed)", "Planned, owner Bob Baker", "–"],
    ]
    assert first == content()  # the old version is kept whole
    assert audit == [("create", "plans", 3), ("update", "plans", 2)]
    assert count(sales, "plan_items") == 2


def test_saving_the_same_plan_again_adds_no_version(sales) -> None:
    save(sales, ADMIN, content(), None)
    again = save(sales, ADMIN, content(), 1)
    assert again.action == "unchanged" and again.plan.version == 1
    assert count(sales, "plan_versions") == 1


def test_a_stale_save_is_refused_and_changes_nothing(sales) -> None:
    save(sales, ADMIN, content(), None)
    save(sales, MANAGER_EAST, content(budget=20000), 1, now=T(2026, 11, 6, 11, 30))
    with pytest.raises(StaleVersion) as stale:
        save(sales, EXEC, content(budget=1), 1)
    assert str(stale.value).startswith(
        "Someone saved the plan Boston · 2026-Q4 meanwhile (version 2 by Mia East at "
        "2026-11-06 11:30)."
    )
    with pytest.raises(StaleVersion, match="exists"):
        save(sales, EXEC, content(budget=1), None)
    with sales.reading() as cur:
        plan = plans.find_plan(cur, ADMIN, "team", 4, Q4)
    assert plan.content.budget == Decimal("20000.00") and plan.version == 2


@pytest.mark.parametrize(
    ("viewer", "scope", "message"),
    [
        (REP_ANN, ("rep", 1), "The Sales rep role can view plans but not set them"),
        (ANALYST, ("team", 4), "The Analyst role can view plans but not set them"),
        (MANAGER_DENVER, ("team", 4), "You can set plans only for your team"),
        (MANAGER_EAST, ("company", None), "You can set plans only for your team"),
    ],
)
def test_plans_are_written_only_inside_the_writers_scope(sales, viewer, scope, message) -> None:
    with pytest.raises(PermissionDenied, match=message):
        save(sales, viewer, content(), None, scope=scope)
    assert count(sales, "plans") == 0


def test_each_role_reads_only_the_plans_in_its_scope(sales) -> None:
    save(sales, ADMIN, content(), None)  # Boston
    save(sales, ADMIN, content(title="Denver plan"), None, scope=("team", 6))
    save(sales, ADMIN, content(title="Ann's plan"), None, scope=("rep", 1))
    with sales.reading() as cur:
        seen = {
            viewer.email: sorted(plans.list_plans(cur, viewer, Q4)["title"])
            for viewer in (ADMIN, MANAGER_EAST, MANAGER_DENVER, REP_ANN, ANALYST)
        }
        assert plans.find_plan(cur, REP_ANN, "rep", 1, Q4).content.title == "Ann's plan"
        with pytest.raises(PermissionDenied):
            plans.find_plan(cur, REP_ANN, "team", 4, Q4)
    assert seen["admin@x"] == ["Ann's plan", "Boston Q4 plan", "Denver plan"]
    assert seen["analyst@x"] == seen["admin@x"]
    assert seen["east@x"] == ["Ann's plan", "Boston Q4 plan"]
    assert seen["denver@x"] == ["Denver plan"]
    assert seen["ann@x"] == ["Ann's plan"]


def test_exports_hold_the_plan_and_its_initiatives(sales) -> None:
    plan = save(sales, ADMIN, content(title='=HYPERLINK("x")', objectives="Grow | fast"), None).plan
    workbook = pd.read_excel(io.BytesIO(plans.plan_to_xlsx(plan)), sheet_name=None)
    assert list(workbook) == ["plan", "initiatives"]
    summary = dict(zip(workbook["plan"]["field"], workbook["plan"]["value"], strict=True))
    assert summary["Title"] == '\'=HYPERLINK("x")'  # a spreadsheet will not run it
    assert summary["Budget (USD)"] == "12500.00" or float(summary["Budget (USD)"]) == 12500
    assert list(workbook["initiatives"]["Initiative"]) == [
        "Win back lapsed accounts",
        "Partner webinar",
    ]
    assert list(workbook["initiatives"]["Status"]) == ["In progress", "Planned"]
    text = plans.plan_to_csv(plan).decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Section,Field,Value,Initiative,Owner,Due date,Status,Expected impact (USD),Notes"
    )
    assert "Initiative,,,Win back lapsed accounts,Ann Archer,2026-12-15,In progress,25000.0" in text
    markdown = plans.plan_to_markdown(plan)
    assert markdown.startswith('# =HYPERLINK("x")\n')
    assert "- Budget: $12,500" in markdown
    assert (
        "| Win back lapsed accounts | Ann Archer | 2026-12-15 | In progress | $25,000 |" in markdown
    )
    assert "## Objectives\n\nGrow | fast" in markdown


def test_a_snapshot_round_trips() -> None:
    original = content()
    assert plans.PlanContent.from_json(json.loads(json.dumps(original.as_json()))) == original
