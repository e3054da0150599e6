"""The review workflow: who may do what, frozen figures, history, restatement."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from dashboard import auth, sql
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.reports import model, render, workflow
from tests.unit.test_reports import TODAY, insert_workspace

Q2 = "2026-Q2"


def make_office(db):
    """The hand-made workspace with one account per role (manager of East, another of West)."""
    with db.transaction() as cur:
        insert_workspace(cur)
        people = {}
        for key, role, extra in [
            ("admin", "admin", {}),
            ("executive", "executive", {}),
            ("analyst", "analyst", {}),
            ("manager", "manager", {"team_id": 2}),
            ("west", "manager", {"team_id": 4}),
            ("rep", "rep", {"rep_id": 1}),
        ]:
            user_id = auth.insert_user(cur, f"{key}@x.example", key.title(), role, None, **extra)
            people[key] = auth.get_viewer(cur, user_id)
    return db, people


@pytest.fixture
def office(db):
    return make_office(db)


def act(db, function, *args, **kwargs):
    with db.transaction() as cur:
        return function(cur, *args, **kwargs)


def read(db, function, *args, **kwargs):
    with db.reading() as cur:
        return function(cur, *args, **kwargs)


def new_pack(db, viewer, kind: str = "investor", team_id: int | None = None) -> int:
    return act(db, workflow.create_pack, viewer, kind, Q2, team_id)


def submitted(db, people, by: str = "analyst") -> tuple[int, int]:
    pack_id = new_pack(db, people[by])
    snapshot_id = act(db, workflow.submit_pack, people[by], pack_id, "ready", TODAY)
    return pack_id, snapshot_id


def test_a_rep_has_no_access_at_all(office) -> None:
    db, people = office
    pack_id = new_pack(db, people["analyst"])
    with pytest.raises(PermissionDenied, match="rep role cannot"):
        new_pack(db, people["rep"])
    with pytest.raises(PermissionDenied):
        read(db, workflow.list_packs, people["rep"])
    with pytest.raises(PermissionDenied):
        read(db, workflow.get_pack, people["rep"], pack_id)


def test_an_analyst_prepares_and_submits_an_executive_approves_and_publishes(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    assert read(db, workflow.get_pack, people["executive"], pack_id).status == "in_review"
    act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id, "fine")
    digest = act(db, workflow.publish_pack, people["admin"], pack_id)
    pack = read(db, workflow.get_pack, people["analyst"], pack_id)
    assert pack.status == "published"
    assert pack.published_snapshot_id == pack.approved_snapshot_id == snapshot_id
    assert pack.published_hash == digest
    history = read(db, workflow.list_pack_history, people["analyst"], pack_id)
    assert list(history["action"]) == ["created", "submitted", "approved", "published"]
    assert list(history["actor"]) == ["Analyst", "Analyst", "Executive", "Admin"]
    assert list(history["to_status"]) == ["draft", "in_review", "approved", "published"]
    assert history["comment"].iloc[2] == "fine"
    with db.reading() as cur:
        audit = cur.execute(
            "select action from audit_log where entity = 'report_packs' order by audit_id"
        ).fetchall()
    assert [row[0] for row in audit] == [
        "pack_created",
        "pack_submitted",
        "pack_approved",
        "pack_published",
    ]


def test_an_analyst_or_manager_cannot_approve_or_publish(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    for role in ("analyst", "manager"):
        with pytest.raises(PermissionDenied, match=f"{role} role cannot approve"):
            act(db, workflow.approve_pack, people[role], pack_id, snapshot_id)
    act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id)
    with pytest.raises(PermissionDenied, match="cannot publish"):
        act(db, workflow.publish_pack, people["analyst"], pack_id)


def test_no_publication_without_approval(office) -> None:
    db, people = office
    draft = new_pack(db, people["analyst"])
    with pytest.raises(ValidationError, match="published only after approval; pack #1 is draft"):
        act(db, workflow.publish_pack, people["executive"], draft)
    act(db, workflow.submit_pack, people["analyst"], draft, None, TODAY)
    with pytest.raises(ValidationError, match="is in review"):
        act(db, workflow.publish_pack, people["executive"], draft)
    assert read(db, workflow.get_pack, people["executive"], draft).status == "in_review"


def test_nobody_approves_figures_they_submitted(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people, by="executive")
    with pytest.raises(PermissionDenied, match="submitted these figures yourself"):
        act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id)
    act(db, workflow.approve_pack, people["admin"], pack_id, snapshot_id)


def test_approval_is_of_the_figures_the_approver_saw(office) -> None:
    db, people = office
    pack_id, first = submitted(db, people)
    act(db, workflow.withdraw_pack, people["analyst"], pack_id, "a correction came in")
    second = act(db, workflow.submit_pack, people["analyst"], pack_id, None, TODAY)
    assert second != first
    with pytest.raises(ValidationError, match="changed since you opened them"):
        act(db, workflow.approve_pack, people["executive"], pack_id, first)
    act(db, workflow.approve_pack, people["executive"], pack_id, second)


def test_request_changes_needs_a_comment_and_returns_the_pack_to_draft(office) -> None:
    db, people = office
    pack_id, _ = submitted(db, people)
    with pytest.raises(ValidationError, match="Say what should change"):
        act(db, workflow.request_changes, people["executive"], pack_id, "  ")
    act(db, workflow.request_changes, people["executive"], pack_id, "Add the partner links first")
    pack = read(db, workflow.get_pack, people["analyst"], pack_id)
    assert pack.status == "draft"
    assert not read(db, workflow.load_pack_figures, people["analyst"], pack_id, TODAY).is_frozen
    act(db, workflow.comment_on_pack, people["analyst"], pack_id, "Done")
    history = read(db, workflow.list_pack_history, people["analyst"], pack_id)
    assert list(history["action"]) == ["created", "submitted", "changes_requested", "commented"]
    assert list(history["comment"])[-2:] == ["Add the partner links first", "Done"]


def test_a_second_unpublished_pack_of_the_same_kind_and_period_is_refused(office) -> None:
    db, people = office
    new_pack(db, people["analyst"])
    with pytest.raises(ValidationError, match="already an unpublished investor pack for 2026-Q2"):
        new_pack(db, people["executive"])
    new_pack(db, people["analyst"], kind="board")
    new_pack(db, people["analyst"], team_id=2)


def test_managers_prepare_their_own_teams_packs_only(office) -> None:
    db, people = office
    company = new_pack(db, people["analyst"])
    east = new_pack(db, people["manager"])  # defaults to the manager's team
    assert read(db, workflow.get_pack, people["manager"], east).scope.label == "East"
    with pytest.raises(PermissionDenied, match="own team's subtree"):
        new_pack(db, people["manager"], kind="board", team_id=4)
    new_pack(db, people["manager"], kind="board", team_id=3)  # a team below East
    with pytest.raises(NotFoundError):
        read(db, workflow.get_pack, people["manager"], company)
    with pytest.raises(NotFoundError):
        read(db, workflow.get_pack, people["west"], east)
    assert sorted(read(db, workflow.list_packs, people["manager"])["scope_name"]) == [
        "East",
        "Team A",
    ]
    assert len(read(db, workflow.list_packs, people["executive"])) == 3
    act(db, workflow.submit_pack, people["manager"], east, None, TODAY)
    assert read(db, workflow.get_pack, people["executive"], east).status == "in_review"


def test_submission_freezes_canonical_json_with_its_sha256(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    with db.reading() as cur:
        stored = sql.fetch_one(cur, "reports/get_snapshot", snapshot_id=snapshot_id)
    assert stored["content_hash"] == hashlib.sha256(stored["figures_json"].encode()).hexdigest()
    figures = json.loads(stored["figures_json"])
    assert model.canonical_json(figures) == stored["figures_json"]
    assert model.figure_value(figures, "sales", "bookings") == 7200.0


def correct_the_data(db) -> None:
    """A late correction: a 500 deal won in Q2 and a 250 order, entered after publication."""
    with db.transaction() as cur:
        cur.execute(
            "insert into opportunities (opportunity_id, opportunity_name, owner_rep_id, stage_id,"
            " amount, amount_rc, probability, created_at, closed_at) values (99, 'Late', 1, 8,"
            " 500, 500, 100, '2026-04-02', '2026-06-29')"
        )
        cur.execute(
            "insert into orders (order_id, account_id, order_date, country, state)"
            " values (99, 1, '2026-06-29', 'US', 'CA')"
        )
        cur.execute(
            "insert into order_lines (order_line_id, order_id, quantity, sales_amount) values (99, 99, 1, 250)"
        )


def test_a_published_pack_renders_the_same_after_data_changes(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id)
    act(db, workflow.publish_pack, people["executive"], pack_id)

    def rendered() -> tuple[str, bytes, bytes]:
        with db.reading() as cur:
            shown = workflow.load_pack_figures(cur, people["analyst"], pack_id, TODAY)
            pack = workflow.get_pack(cur, people["analyst"], pack_id)
            meta = workflow.describe_pack(cur, people["analyst"], pack, shown)
        text = model.canonical_json(shown.figures)
        return (
            text,
            render.render(shown.figures, meta, "pdf"),
            render.to_csv_bytes(shown.figures, meta),
        )

    before = rendered()
    correct_the_data(db)
    act(db, workflow.comment_on_pack, people["executive"], pack_id, "Q2 got a late deal")
    after = rendered()
    assert after[0] == before[0]
    assert after[1] == before[1]  # the PDF, byte for byte
    assert after[2] == before[2]
    assert model.figure_value(json.loads(after[0]), "sales", "bookings") == 7200.0

    changes = read(db, workflow.restate_pack, people["analyst"], pack_id, TODAY)
    by_figure = {(row.section, row.item, row.row, row.column): row for row in changes.itertuples()}
    bookings = by_figure[("Sales performance", "Bookings", "", "")]
    assert (bookings.published, bookings.now, bookings.difference) == (7200.0, 7700.0, 500.0)
    gross = by_figure[("Revenue", "Gross sales", "", "")]
    assert (gross.published, gross.now, gross.difference) == (4700.0, 4950.0, 250.0)
    assert set(changes["change"]) == {"changed"}
    everything = read(
        db, workflow.restate_pack, people["analyst"], pack_id, TODAY, changed_only=False
    )
    assert len(everything) > len(changes) and "same" in set(everything["change"])


def test_a_draft_shows_live_figures_and_cannot_be_restated(office) -> None:
    db, people = office
    pack_id = new_pack(db, people["analyst"])
    correct_the_data(db)
    shown = read(db, workflow.load_pack_figures, people["analyst"], pack_id, TODAY)
    assert not shown.is_frozen
    assert model.figure_value(shown.figures, "sales", "bookings") == 7700.0
    with pytest.raises(ValidationError, match="no frozen figures yet"):
        read(db, workflow.restate_pack, people["analyst"], pack_id, TODAY)


def test_tampered_figures_are_detected(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    with db.transaction() as cur:
        cur.execute(
            "update report_pack_snapshots set figures_json = replace(figures_json, '7200.0', '9200.0')"
        )
    with pytest.raises(workflow.IntegrityError, match="do not match their content hash"):
        read(db, workflow.load_pack_figures, people["executive"], pack_id, TODAY)


def test_a_published_pack_accepts_no_further_transition(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id)
    act(db, workflow.publish_pack, people["executive"], pack_id)
    for function, args in [
        (workflow.submit_pack, (None, TODAY)),
        (workflow.withdraw_pack, ("again",)),
        (workflow.request_changes, ("again",)),
        (workflow.approve_pack, (snapshot_id,)),
        (workflow.publish_pack, ()),
    ]:
        with pytest.raises(ValidationError):
            act(db, function, people["executive"], pack_id, *args)
    # a restated pack is a new pack for the same period
    again = new_pack(db, people["analyst"])
    assert again != pack_id


def test_a_failed_step_changes_nothing(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    with pytest.raises(PermissionDenied):
        act(db, workflow.approve_pack, people["analyst"], pack_id, snapshot_id)
    history = read(db, workflow.list_pack_history, people["analyst"], pack_id)
    assert list(history["action"]) == ["created", "submitted"]


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("analyst", "draft", ["comment", "submit"]),
        ("analyst", "in_review", ["comment", "withdraw"]),
        ("executive", "in_review", ["comment", "approve", "request_changes", "withdraw"]),
        ("executive", "approved", ["comment", "withdraw", "publish"]),
        ("manager", "approved", ["comment", "withdraw"]),
        ("admin", "published", ["comment"]),
    ],
)
def test_the_actions_offered_follow_role_and_status(office, role, status, expected) -> None:
    db, people = office
    pack = read(db, workflow.get_pack, people["admin"], new_pack(db, people["analyst"]))
    pack = workflow.ReportPack(**{**pack.__dict__, "status": status})
    assert workflow.allowed_actions(people[role], pack) == expected


def test_describe_pack_names_who_submitted_approved_and_published(office) -> None:
    db, people = office
    pack_id, snapshot_id = submitted(db, people)
    act(db, workflow.approve_pack, people["executive"], pack_id, snapshot_id, "ok")
    act(db, workflow.publish_pack, people["admin"], pack_id)
    with db.reading() as cur:
        shown = workflow.load_pack_figures(cur, people["analyst"], pack_id)
        pack = workflow.get_pack(cur, people["analyst"], pack_id)
        meta = workflow.describe_pack(cur, people["analyst"], pack, shown)
    assert meta["status"] == "published"
    assert meta["content_hash"] == pack.published_hash
    assert meta["submitted"].endswith("by Analyst")
    assert meta["approved"].endswith("by Executive: ok")
    assert "by Admin" in meta["published"]
    assert meta["data_as_of"] == TODAY.isoformat()
    assert dt.date.fromisoformat(meta["data_as_of"]) == TODAY
