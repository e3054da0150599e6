"""Report packs: create, review, approve, publish; frozen figures and restatements.

A pack moves draft -> in review -> approved -> published. Submitting takes a snapshot of
its figures (canonical JSON and its sha256); the approver approves that snapshot and
publishing freezes it for good, so a published pack always renders the same figures.
Every step appends to report_pack_events (who, when, what, comment) and to audit_log.

Roles: executives and administrators review, approve and publish; managers and analysts
(and executives and administrators) prepare drafts and submit them. Reps have no access.
An approver may not approve figures they submitted themselves (four eyes), so a pack is
always seen by two people before it goes out. Managers work on their team's packs only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.audit import record_audit
from dashboard.auth import Viewer
from dashboard.errors import DomainError, NotFoundError, PermissionDenied, ValidationError
from dashboard.reports import model
from dashboard.reports.figures import PACK_KINDS, PACK_TITLES, PackScope, Progress, compute_pack
from dashboard.reports.periods import ReportPeriod, parse_period

VIEW_ROLES = ("admin", "executive", "manager", "analyst")
PREPARE_ROLES = ("admin", "executive", "manager", "analyst")
APPROVE_ROLES = ("admin", "executive")
STATUSES = ("draft", "in_review", "approved", "published")
STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "published": "Published",
}
ACTION_LABELS = {
    "created": "Created",
    "submitted": "Submitted for review",
    "commented": "Commented",
    "changes_requested": "Changes requested",
    "approved": "Approved",
    "withdrawn": "Withdrawn",
    "published": "Published",
}


class IntegrityError(DomainError):
    """Stored figures no longer match their content hash."""


@dataclass(frozen=True)
class ReportPack:
    """A pack as it stands: what it covers, its status and its snapshots."""

    pack_id: int
    kind: str
    period: ReportPeriod
    scope: PackScope
    title: str
    status: str
    current_snapshot_id: int | None
    approved_snapshot_id: int | None
    published_snapshot_id: int | None
    created_by: int | None
    created_by_name: str | None
    created_at: dt.datetime
    current_hash: str | None
    approved_hash: str | None
    published_hash: str | None

    @property
    def is_frozen(self) -> bool:
        """Whether the pack shows stored figures (in review, approved, published)."""
        return self.status != "draft"

    @property
    def shown_snapshot_id(self) -> int | None:
        """The snapshot whose figures the pack shows now (None: live figures)."""
        if self.status == "published":
            return self.published_snapshot_id
        if self.status in ("in_review", "approved"):
            return self.current_snapshot_id
        return None

    @property
    def reference_snapshot_id(self) -> int | None:
        """The snapshot a restatement compares with: published, else the last submitted."""
        return self.published_snapshot_id or self.current_snapshot_id

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def file_stem(self) -> str:
        scope = "company" if self.scope.kind == "all" else f"team{self.scope.team_id}"
        return f"{self.kind}_pack_{self.period.label.replace('..', '_to_')}_{scope}_{self.pack_id}"


@dataclass(frozen=True)
class PackFigures:
    """A pack's figures as shown, with where they come from."""

    figures: dict
    content_hash: str
    is_frozen: bool
    snapshot_id: int | None = None
    data_as_of: dt.date | None = None
    taken_at: dt.datetime | None = None
    taken_by_name: str | None = None


def _require(viewer: Viewer, roles: tuple[str, ...], what: str) -> None:
    if viewer.role not in roles:
        raise PermissionDenied(f"The {viewer.role} role cannot {what}.")


def _team_inside(cur: duckdb.DuckDBPyConnection, team_id: int, root_team_id: int) -> bool:
    row = sql.fetch_one(
        cur, "reports/is_team_in_subtree", team_id=team_id, root_team_id=root_team_id
    )
    return bool(row and row["is_inside"])


def resolve_scope(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, team_id: int | None = None
) -> PackScope:
    """The scope of a new pack: the company, or a team's subtree the viewer may see."""
    _require(viewer, VIEW_ROLES, "see report packs")
    if viewer.scope_kind == "team" and team_id is None:
        team_id = viewer.team_id
    if team_id is None:
        return PackScope()
    team = sql.fetch_one(cur, "auth/get_team", team_id=team_id)
    if team is None:
        raise ValidationError(f"there is no team with id {team_id}")
    if viewer.scope_kind == "team" and not _team_inside(cur, team_id, viewer.team_id):
        raise PermissionDenied("A manager prepares packs for their own team's subtree only.")
    return PackScope("team", int(team_id), team["team_name"])


def _can_see(cur: duckdb.DuckDBPyConnection, viewer: Viewer, scope: PackScope) -> bool:
    if viewer.role not in VIEW_ROLES:
        return False
    if viewer.scope_kind == "all":
        return True
    if viewer.scope_kind == "team" and scope.kind == "team":
        return _team_inside(cur, scope.team_id, viewer.team_id)
    return False


def _pack_from_row(row: dict[str, Any]) -> ReportPack:
    scope = (
        PackScope()
        if row["scope_kind"] == "all"
        else PackScope(
            "team",
            int(row["scope_team_id"]),
            row["scope_team_name"] or f"Team {row['scope_team_id']}",
        )
    )
    return ReportPack(
        pack_id=int(row["pack_id"]),
        kind=row["pack_kind"],
        period=parse_period(row["period_label"]),
        scope=scope,
        title=row["title"],
        status=row["status"],
        current_snapshot_id=row["current_snapshot_id"],
        approved_snapshot_id=row["approved_snapshot_id"],
        published_snapshot_id=row["published_snapshot_id"],
        created_by=row["created_by"],
        created_by_name=row["created_by_name"],
        created_at=row["created_at"],
        current_hash=row["current_hash"],
        approved_hash=row["approved_hash"],
        published_hash=row["published_hash"],
    )


def get_pack(cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int) -> ReportPack:
    """One pack the viewer may see (NotFoundError otherwise, also for packs out of scope)."""
    _require(viewer, VIEW_ROLES, "see report packs")
    row = sql.fetch_one(cur, "reports/get_pack", pack_id=pack_id)
    if row is None:
        raise NotFoundError(f"There is no report pack #{pack_id}.")
    pack = _pack_from_row(row)
    if not _can_see(cur, viewer, pack.scope):
        raise NotFoundError(f"There is no report pack #{pack_id} in your scope.")
    return pack


def list_packs(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The packs the viewer may see, newest first."""
    _require(viewer, VIEW_ROLES, "see report packs")
    return sql.fetch_df(
        cur, "reports/list_packs", scope_kind=viewer.scope_kind, scope_team_id=viewer.team_id
    )


def list_pack_history(cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int) -> pd.DataFrame:
    """Every event of a pack, oldest first: who did what, when, with which comment."""
    get_pack(cur, viewer, pack_id)
    return sql.fetch_df(cur, "reports/list_pack_events", pack_id=pack_id)


def list_scope_teams(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Teams a new pack may cover for this viewer (with depth for indenting)."""
    _require(viewer, VIEW_ROLES, "see report packs")
    return sql.fetch_df(
        cur, "reports/list_scope_teams", scope_kind=viewer.scope_kind, scope_team_id=viewer.team_id
    )


def _event(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    pack: ReportPack | int,
    action: str,
    from_status: str | None,
    to_status: str | None,
    snapshot_id: int | None = None,
    comment: str | None = None,
) -> None:
    pack_id = pack if isinstance(pack, int) else pack.pack_id
    sql.execute(
        cur,
        "reports/insert_pack_event",
        pack_id=pack_id,
        actor_user_id=viewer.user_id or None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        snapshot_id=snapshot_id,
        comment=comment,
    )
    record_audit(cur, viewer.user_id or None, f"pack_{action}", "report_packs", pack_id, comment)


def _move(
    cur: duckdb.DuckDBPyConnection,
    pack: ReportPack,
    to_status: str,
    current: int | None,
    approved: int | None,
    published: int | None,
) -> None:
    moved = sql.fetch_one(
        cur,
        "reports/update_pack_state",
        pack_id=pack.pack_id,
        from_status=pack.status,
        to_status=to_status,
        current_snapshot_id=current,
        approved_snapshot_id=approved,
        published_snapshot_id=published,
    )
    if moved is None:
        raise ValidationError(
            f"Pack #{pack.pack_id} changed meanwhile (someone else acted on it); reload and try again."
        )


def _comment(text: str | None, required: str | None = None) -> str | None:
    cleaned = (text or "").strip()
    if not cleaned and required:
        raise ValidationError(required)
    if len(cleaned) > 4000:
        raise ValidationError("a comment holds at most 4000 characters")
    return cleaned or None


def create_pack(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    period: ReportPeriod | str,
    team_id: int | None = None,
    title: str | None = None,
) -> int:
    """Create a draft pack of a kind for a period and scope; returns its pack_id."""
    _require(viewer, PREPARE_ROLES, "prepare report packs")
    if kind not in PACK_KINDS:
        raise ValidationError(f"unknown pack {kind!r}; choose one of {', '.join(PACK_KINDS)}")
    if isinstance(period, str):
        period = parse_period(period)
    scope = resolve_scope(cur, viewer, team_id)
    existing = sql.fetch_one(
        cur,
        "reports/find_open_pack",
        pack_kind=kind,
        period_label=period.label,
        pack_scope_kind=scope.kind,
        pack_scope_team_id=scope.team_id,
    )
    if existing is not None:
        raise ValidationError(
            f"There is already an unpublished {PACK_TITLES[kind].lower()} for {period.label} "
            f"({scope.label}): pack #{existing['pack_id']}, {STATUS_LABELS[existing['status']].lower()}."
        )
    title = (title or "").strip() or f"{PACK_TITLES[kind]} {period.label} — {scope.label}"
    row = sql.fetch_one(
        cur,
        "reports/insert_pack",
        pack_kind=kind,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        pack_scope_kind=scope.kind,
        pack_scope_team_id=scope.team_id,
        title=title[:200],
        created_by=viewer.user_id or None,
    )
    pack_id = int(row["pack_id"])
    _event(cur, viewer, pack_id, "created", None, "draft")
    return pack_id


def compute_figures(
    cur: duckdb.DuckDBPyConnection,
    pack: ReportPack,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict:
    """The pack's figures computed from the data now."""
    return compute_pack(cur, pack.kind, pack.period, pack.scope, today, pack.title, progress)


def _snapshot(cur: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, Any]:
    row = sql.fetch_one(cur, "reports/get_snapshot", snapshot_id=snapshot_id)
    if row is None:
        raise NotFoundError(f"There is no snapshot #{snapshot_id}.")
    if model.content_hash(row["figures_json"]) != row["content_hash"]:
        raise IntegrityError(
            f"The stored figures of snapshot #{snapshot_id} do not match their content hash; "
            "they were changed outside the app."
        )
    return row


def submit_pack(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    pack_id: int,
    comment: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> int:
    """Freeze a draft's figures as a snapshot and put it in review; returns the snapshot id."""
    _require(viewer, PREPARE_ROLES, "submit report packs")
    pack = get_pack(cur, viewer, pack_id)
    if pack.status != "draft":
        raise ValidationError(
            f"Only a draft can be submitted; pack #{pack_id} is {pack.status_label.lower()}."
        )
    today = today or dt.date.today()
    figures = compute_figures(cur, pack, today, progress)
    text = model.canonical_json(figures)
    digest = model.content_hash(text)
    snapshot = sql.fetch_one(
        cur,
        "reports/insert_snapshot",
        pack_id=pack_id,
        figures_json=text,
        content_hash=digest,
        data_as_of=today,
        taken_by=viewer.user_id or None,
    )
    snapshot_id = int(snapshot["snapshot_id"])
    _move(cur, pack, "in_review", snapshot_id, None, None)
    _event(cur, viewer, pack, "submitted", "draft", "in_review", snapshot_id, _comment(comment))
    return snapshot_id


def comment_on_pack(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int, comment: str
) -> None:
    """Add a comment to a pack's history (any status)."""
    _require(viewer, VIEW_ROLES, "comment on report packs")
    pack = get_pack(cur, viewer, pack_id)
    text = _comment(comment, required="Write a comment first.")
    _event(cur, viewer, pack, "commented", pack.status, pack.status, pack.shown_snapshot_id, text)


def request_changes(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int, comment: str
) -> None:
    """Send a pack in review back to draft, saying what to change."""
    _require(viewer, APPROVE_ROLES, "review report packs")
    pack = get_pack(cur, viewer, pack_id)
    if pack.status != "in_review":
        raise ValidationError(
            f"Pack #{pack_id} is not in review; it is {pack.status_label.lower()}."
        )
    text = _comment(comment, required="Say what should change before sending the pack back.")
    _move(cur, pack, "draft", pack.current_snapshot_id, None, None)
    _event(
        cur, viewer, pack, "changes_requested", "in_review", "draft", pack.current_snapshot_id, text
    )


def approve_pack(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    pack_id: int,
    snapshot_id: int,
    comment: str | None = None,
) -> None:
    """Approve the figures under review (the snapshot the approver looked at)."""
    _require(viewer, APPROVE_ROLES, "approve report packs")
    pack = get_pack(cur, viewer, pack_id)
    if pack.status != "in_review":
        raise ValidationError(
            f"Only a pack in review can be approved; pack #{pack_id} is {pack.status_label.lower()}."
        )
    if pack.current_snapshot_id != snapshot_id:
        raise ValidationError(
            "The figures under review changed since you opened them; look at them again before approving."
        )
    snapshot = _snapshot(cur, snapshot_id)
    if snapshot["taken_by"] is not None and snapshot["taken_by"] == viewer.user_id:
        raise PermissionDenied(
            "You submitted these figures yourself; another executive or administrator approves them."
        )
    _move(cur, pack, "approved", snapshot_id, snapshot_id, None)
    _event(cur, viewer, pack, "approved", "in_review", "approved", snapshot_id, _comment(comment))


def withdraw_pack(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int, comment: str
) -> None:
    """Take a pack in review or approved back to draft (to refresh its figures)."""
    _require(viewer, PREPARE_ROLES, "withdraw report packs")
    pack = get_pack(cur, viewer, pack_id)
    if pack.status not in ("in_review", "approved"):
        raise ValidationError(
            f"Only a pack in review or approved can be withdrawn; pack #{pack_id} is "
            f"{pack.status_label.lower()}."
        )
    text = _comment(comment, required="Say why the pack is withdrawn.")
    _move(cur, pack, "draft", pack.current_snapshot_id, None, None)
    _event(cur, viewer, pack, "withdrawn", pack.status, "draft", pack.current_snapshot_id, text)


def publish_pack(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack_id: int, comment: str | None = None
) -> str:
    """Publish an approved pack: its approved figures are frozen for good; returns their hash."""
    _require(viewer, APPROVE_ROLES, "publish report packs")
    pack = get_pack(cur, viewer, pack_id)
    if pack.status != "approved" or pack.approved_snapshot_id is None:
        raise ValidationError(
            f"A pack is published only after approval; pack #{pack_id} is {pack.status_label.lower()}."
        )
    snapshot = _snapshot(cur, pack.approved_snapshot_id)
    _move(
        cur,
        pack,
        "published",
        pack.current_snapshot_id,
        pack.approved_snapshot_id,
        pack.approved_snapshot_id,
    )
    _event(
        cur,
        viewer,
        pack,
        "published",
        "approved",
        "published",
        pack.approved_snapshot_id,
        _comment(comment),
    )
    return snapshot["content_hash"]


def load_pack_figures(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    pack_id: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> PackFigures:
    """What the pack shows: its frozen snapshot once submitted, live figures while a draft."""
    pack = get_pack(cur, viewer, pack_id)
    snapshot_id = pack.shown_snapshot_id
    if snapshot_id is None:
        figures = compute_figures(cur, pack, today, progress)
        return PackFigures(figures, model.content_hash(model.canonical_json(figures)), False)
    snapshot = _snapshot(cur, snapshot_id)
    if progress:
        progress(1.0, "Figures ready")
    return PackFigures(
        figures=json.loads(snapshot["figures_json"]),
        content_hash=snapshot["content_hash"],
        is_frozen=True,
        snapshot_id=snapshot_id,
        data_as_of=snapshot["data_as_of"],
        taken_at=snapshot["taken_at"],
        taken_by_name=snapshot["taken_by_name"],
    )


def compare_figures(frozen: dict, now: dict, changed_only: bool = True) -> pd.DataFrame:
    """Figure by figure: the frozen value, the value now and the difference."""
    before = {row["id"]: row for row in model.flatten(frozen)}
    after = {row["id"]: row for row in model.flatten(now)}
    ids = list(before) + [key for key in after if key not in before]
    rows = []
    for key in ids:
        old, new = before.get(key), after.get(key)
        base = old or new
        old_value = old["value"] if old else None
        new_value = new["value"] if new else None
        numeric = all(
            isinstance(value, (int, float)) and not isinstance(value, bool)
            for value in (old_value, new_value)
        )
        difference = new_value - old_value if numeric else None
        changed = old_value != new_value
        if changed_only and not changed:
            continue
        rows.append(
            {
                "section": base["section"],
                "item": base["item"],
                "row": base["row"],
                "column": base["column"],
                "unit": base["unit"],
                "published": old_value,
                "now": new_value,
                "difference": None if difference is None else round(difference, 6),
                "change": "new"
                if old is None
                else "gone"
                if new is None
                else "changed"
                if changed
                else "same",
            }
        )
    columns = [
        "section",
        "item",
        "row",
        "column",
        "unit",
        "published",
        "now",
        "difference",
        "change",
    ]
    return pd.DataFrame(rows, columns=columns)


def restate_pack(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    pack_id: int,
    today: dt.date | None = None,
    changed_only: bool = True,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """What would change if the pack's frozen figures were computed again from today's data."""
    pack = get_pack(cur, viewer, pack_id)
    if pack.reference_snapshot_id is None:
        raise ValidationError(
            f"Pack #{pack_id} has no frozen figures yet; they are taken when it is submitted for review."
        )
    frozen = json.loads(_snapshot(cur, pack.reference_snapshot_id)["figures_json"])
    now = compute_figures(cur, pack, today, progress)
    return compare_figures(frozen, now, changed_only)


def allowed_actions(viewer: Viewer, pack: ReportPack) -> list[str]:
    """The workflow actions this viewer may take on the pack now (for offering buttons)."""
    actions = ["comment"] if viewer.role in VIEW_ROLES else []
    if pack.status == "draft" and viewer.role in PREPARE_ROLES:
        actions.append("submit")
    if pack.status == "in_review" and viewer.role in APPROVE_ROLES:
        actions += ["approve", "request_changes"]
    if pack.status in ("in_review", "approved") and viewer.role in PREPARE_ROLES:
        actions.append("withdraw")
    if pack.status == "approved" and viewer.role in APPROVE_ROLES:
        actions.append("publish")
    return actions


def find_published_pack(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    period: ReportPeriod,
    scope: PackScope,
) -> int | None:
    """The newest published pack of a kind, period and scope, if any."""
    _require(viewer, VIEW_ROLES, "see report packs")
    row = sql.fetch_one(
        cur,
        "reports/find_published_pack",
        pack_kind=kind,
        period_label=period.label,
        pack_scope_kind=scope.kind,
        pack_scope_team_id=scope.team_id,
    )
    return int(row["pack_id"]) if row else None


def _stamp(row: dict[str, Any] | None) -> str | None:
    if row is None:
        return None
    when = row["occurred_at"]
    text = f"{when:%Y-%m-%d %H:%M} by {row['actor']}"
    return (
        f"{text}: {row['comment']}" if row.get("comment") and row["action"] != "submitted" else text
    )


def describe_pack(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, pack: ReportPack, shown: PackFigures
) -> dict[str, Any]:
    """What a rendered pack says about itself: status, content hash, who submitted, approved
    and published the figures shown, and when (only from stored history, so it never drifts)."""
    meta: dict[str, Any] = {
        "pack_id": f"#{pack.pack_id}",
        "status": pack.status if shown.is_frozen else "draft",
        "status_label": pack.status_label
        if shown.is_frozen
        else "Draft: live figures, not reviewed",
        "content_hash": shown.content_hash,
        "data_as_of": (shown.data_as_of or dt.date.today()).isoformat(),
    }
    if not shown.is_frozen:
        return meta
    events = sql.fetch_all(cur, "reports/list_pack_events", pack_id=pack.pack_id)

    def last(action: str) -> dict[str, Any] | None:
        matching = [
            event
            for event in events
            if event["action"] == action and event["snapshot_id"] == shown.snapshot_id
        ]
        return matching[-1] if matching else None

    meta["submitted"] = _stamp(last("submitted"))
    if pack.status in ("approved", "published"):
        meta["approved"] = _stamp(last("approved"))
    if pack.status == "published":
        meta["published"] = _stamp(last("published"))
    return {key: value for key, value in meta.items() if value is not None}


def live_meta(figures: dict, today: dt.date | None = None) -> dict[str, Any]:
    """The description of figures computed on demand, outside any pack."""
    return {
        "status": "draft",
        "status_label": "Not reviewed: computed on demand",
        "content_hash": model.content_hash(model.canonical_json(figures)),
        "data_as_of": (today or dt.date.today()).isoformat(),
    }
