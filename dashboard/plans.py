"""Sales plans: objectives, strategy, resources and initiatives per period and scope, versioned.

Every save appends a version holding the whole plan (so any two versions can be compared); a
save made on a stale version is refused with who saved meanwhile. Who may write a plan
follows the goals' rule: managers inside their team subtree, administrators and executives
anywhere; reps and analysts read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pandas as pd

from dashboard import goals, sql
from dashboard.audit import record_audit
from dashboard.auth import Viewer
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.export import neutralise_formulas
from dashboard.goals import GoalPeriod, StaleVersion

PLAN_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "blocked": "Blocked",
    "dropped": "Dropped",
}
PLAN_FIELDS: dict[str, str] = {
    "title": "Title",
    "objectives": "Objectives",
    "strategy": "Strategy",
    "headcount": "Headcount",
    "budget": "Budget (USD)",
}
INITIATIVE_FIELDS: dict[str, str] = {
    "title": "Initiative",
    "owner": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "expected_impact": "Expected impact (USD)",
    "notes": "Notes",
}
MAX_TEXT = 20_000
MAX_TITLE = 200
MAX_INITIATIVES = 200


@dataclass(frozen=True)
class Initiative:
    """One initiative of a plan."""

    title: str
    owner: str | None = None
    due_date: dt.date | None = None
    status: str = "planned"
    expected_impact: Decimal | None = None
    notes: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "owner": self.owner,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "status": self.status,
            "expected_impact": None if self.expected_impact is None else str(self.expected_impact),
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Initiative:
        return cls(
            title=data["title"],
            owner=data.get("owner"),
            due_date=dt.date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
            status=data.get("status") or "planned",
            expected_impact=Decimal(data["expected_impact"])
            if data.get("expected_impact") is not None
            else None,
            notes=data.get("notes"),
        )


@dataclass(frozen=True)
class PlanContent:
    """What a person writes in a plan."""

    title: str
    objectives: str = ""
    strategy: str = ""
    headcount: int | None = None
    budget: Decimal | None = None
    initiatives: tuple[Initiative, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "objectives": self.objectives,
            "strategy": self.strategy,
            "headcount": self.headcount,
            "budget": None if self.budget is None else str(self.budget),
            "initiatives": [item.as_json() for item in self.initiatives],
        }

    def header_params(self) -> dict[str, Any]:
        """The plan row's own fields, as bound parameters of insert_plan / update_plan."""
        return {
            "title": self.title,
            "objectives": self.objectives,
            "strategy": self.strategy,
            "headcount": self.headcount,
            "budget": self.budget,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanContent:
        return cls(
            title=data["title"],
            objectives=data.get("objectives") or "",
            strategy=data.get("strategy") or "",
            headcount=data.get("headcount"),
            budget=Decimal(data["budget"]) if data.get("budget") is not None else None,
            initiatives=tuple(Initiative.from_json(item) for item in data.get("initiatives", [])),
        )


@dataclass(frozen=True)
class Plan:
    """A saved plan as it stands now."""

    plan_id: int
    period: GoalPeriod
    scope_kind: str
    scope_id: int | None
    scope_name: str
    version: int
    content: PlanContent
    created_by_name: str | None = None
    created_at: dt.datetime | None = None
    updated_by_name: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        scope = "Company" if self.scope_kind == "company" else self.scope_name
        return f"{scope} · {self.period.label}"


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Decimal):
        return value.is_nan()  # pd.isna raises on a signalling NaN
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def _money(value: Any, label: str) -> Decimal | None:
    if _blank(value):
        return None
    text = (
        str(value).strip().replace(",", "").replace("$", "")
        if isinstance(value, str)
        else str(value)
    )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label} {value!r} is not a number.") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(f"{label} cannot be negative ({value}).")
    if number >= Decimal("1e16"):
        raise ValidationError(f"{label} {value} is too large.")
    return number.quantize(Decimal("0.01"))


def _date(value: Any, label: str) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(str(value).strip()).date()
    except (ValueError, TypeError, OverflowError, NotImplementedError):  # also out of range
        raise ValidationError(f"{label} {value!r} is not a date like 2026-12-31.") from None


def check_plan_content(
    title: Any,
    objectives: Any = "",
    strategy: Any = "",
    headcount: Any = None,
    budget: Any = None,
    initiatives: pd.DataFrame | list[dict[str, Any]] | None = None,
) -> PlanContent:
    """Validate what a person entered; ValidationError lists every problem (initiatives by row)."""
    problems = []
    title_text = _text(title) or ""
    if not title_text:
        problems.append("The plan needs a title.")
    elif len(title_text) > MAX_TITLE:
        problems.append(f"The title is longer than {MAX_TITLE} characters.")
    for label, value in (("Objectives", objectives), ("Strategy", strategy)):
        if value is not None and len(str(value)) > MAX_TEXT:
            problems.append(f"{label} are longer than {MAX_TEXT:,} characters.")
    headcount_value = None
    if not _blank(headcount):
        try:
            number = Decimal(str(headcount).strip())
            if not number.is_finite() or number != number.to_integral_value() or number < 0:
                raise InvalidOperation
            headcount_value = int(number)
        except InvalidOperation:
            problems.append(f"Headcount is a whole number of people, not {headcount!r}.")
    budget_value = None
    try:
        budget_value = _money(budget, "Budget")
    except ValidationError as error:
        problems.append(str(error))
    rows = (
        initiatives.to_dict("records")
        if isinstance(initiatives, pd.DataFrame)
        else list(initiatives or [])
    )
    items, titles = [], {}
    for number, row in enumerate(rows, start=1):
        if all(_blank(row.get(key)) for key in INITIATIVE_FIELDS):
            continue
        item_problems = []
        item_title = _text(row.get("title"))
        if not item_title:
            item_problems.append("a title is needed")
        elif item_title.casefold() in titles:
            item_problems.append(f"the same title as initiative {titles[item_title.casefold()]}")
        else:
            titles[item_title.casefold()] = number
        status = _text(row.get("status")) or "planned"
        status_key = status.lower().replace(" ", "_")
        if status_key not in PLAN_STATUSES:
            labels = {label.lower(): key for key, label in PLAN_STATUSES.items()}
            status_key = labels.get(status.lower(), status_key)
        if status_key not in PLAN_STATUSES:
            item_problems.append(
                f"status {status!r} is not one of {', '.join(PLAN_STATUSES.values())}"
            )
        due, impact = None, None
        try:
            due = _date(row.get("due_date"), "the due date")
        except ValidationError as error:
            item_problems.append(str(error).rstrip("."))
        try:
            impact = _money(row.get("expected_impact"), "the expected impact")
        except ValidationError as error:
            item_problems.append(str(error).rstrip("."))
        if item_problems:
            problems.append(f"Initiative {number}: {'; '.join(item_problems)}.")
            continue
        items.append(
            Initiative(
                title=item_title,
                owner=_text(row.get("owner")),
                due_date=due,
                status=status_key,
                expected_impact=impact,
                notes=_text(row.get("notes")),
            )
        )
    if len(items) > MAX_INITIATIVES:
        problems.append(f"A plan holds at most {MAX_INITIATIVES} initiatives.")
    if problems:
        raise ValidationError("Nothing was saved. " + " ".join(problems))
    return PlanContent(
        title=title_text,
        objectives=str(objectives or "").strip(),
        strategy=str(strategy or "").strip(),
        headcount=headcount_value,
        budget=budget_value,
        initiatives=tuple(items),
    )


def _plan_rows(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    window: GoalPeriod | None = None,
    plan_id: int | None = None,
) -> list[dict[str, Any]]:
    return sql.fetch_all(
        cur,
        "plans/list_plans",
        **viewer.scope_params(),
        **goals.window_params(window),
        only_plan_id=plan_id,
    )


def _plan_from_row(cur: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> Plan:
    items = sql.fetch_all(cur, "plans/list_plan_items", plan_id=int(row["plan_id"]))
    content = PlanContent(
        title=row["title"],
        objectives=row["objectives"] or "",
        strategy=row["strategy"] or "",
        headcount=None if row["headcount"] is None else int(row["headcount"]),
        budget=None if row["budget"] is None else Decimal(row["budget"]),
        initiatives=tuple(
            Initiative(
                title=item["title"],
                owner=item["owner"],
                due_date=item["due_date"],
                status=item["status"],
                expected_impact=None
                if item["expected_impact"] is None
                else Decimal(item["expected_impact"]),
                notes=item["notes"],
            )
            for item in items
        ),
    )
    period = goals.stored_period(
        row["period_kind"], row["period_start"], row["period_end"], goals.fiscal_year_start(cur)
    )
    return Plan(
        plan_id=int(row["plan_id"]),
        period=period,
        scope_kind=row["scope_kind"],
        scope_id=None if row["scope_id"] is None else int(row["scope_id"]),
        scope_name=row["scope_name"] or "(deleted)",
        version=int(row["version"]),
        content=content,
        created_by_name=row["created_by_name"],
        created_at=row["created_at"],
        updated_by_name=row["updated_by_name"],
        updated_at=row["updated_at"],
    )


def get_plan(cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int) -> Plan:
    """One plan the viewer may see (NotFoundError otherwise)."""
    rows = _plan_rows(cur, viewer, plan_id=int(plan_id))
    if not rows:
        raise NotFoundError(f"There is no plan {plan_id} you can see.")
    return _plan_from_row(cur, rows[0])


def find_plan(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: GoalPeriod,
) -> Plan | None:
    """The plan for a scope and period, or None; PermissionDenied for a scope out of view."""
    if not goals.can_view_scope(cur, viewer, scope_kind, scope_id):
        raise PermissionDenied("That scope is outside what you can see.")
    row = sql.fetch_one(
        cur,
        "plans/find_plan",
        subject_kind=scope_kind,
        subject_id=scope_id,
        period_kind=period.kind,
        period_start=period.start,
    )
    return None if row is None else get_plan(cur, viewer, int(row["plan_id"]))


def list_plans(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, window: GoalPeriod | None = None
) -> pd.DataFrame:
    """Plans the viewer may see (inside `window` when given): one row per plan."""
    fiscal_start = goals.fiscal_year_start(cur)
    rows = _plan_rows(cur, viewer, window)
    frame = pd.DataFrame.from_records(
        [
            {
                "plan_id": row["plan_id"],
                "period": goals.stored_period(
                    row["period_kind"], row["period_start"], row["period_end"], fiscal_start
                ).label,
                "scope": "Company" if row["scope_kind"] == "company" else row["scope_name"],
                "scope_kind": row["scope_kind"],
                "title": row["title"],
                "headcount": row["headcount"],
                "budget": None if row["budget"] is None else float(row["budget"]),
                "initiatives": row["initiatives"],
                "version": row["version"],
                "updated_by": row["updated_by_name"],
                "updated_at": row["updated_at"],
            }
            for row in rows
        ],
        columns=[
            "plan_id",
            "period",
            "scope",
            "scope_kind",
            "title",
            "headcount",
            "budget",
            "initiatives",
            "version",
            "updated_by",
            "updated_at",
        ],
    )
    return frame


def _show(field: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if field in ("budget", "expected_impact"):
        return goals.format_value("bookings", value)
    if field == "status":
        return PLAN_STATUSES.get(str(value), str(value))
    return str(value)


def diff_contents(old: PlanContent | None, new: PlanContent) -> pd.DataFrame:
    """What changed between two states of a plan: one row per changed field (part, item,
    field, old, new); initiatives are matched by title."""
    rows = []
    before = old.as_json() if old else {}
    after = new.as_json()
    for key, label in PLAN_FIELDS.items():
        if before.get(key) != after.get(key):
            rows.append(
                ("Plan", "", label, _show(key, before.get(key)), _show(key, after.get(key)))
            )
    old_items = {item["title"].casefold(): item for item in before.get("initiatives", [])}
    new_items = {item["title"].casefold(): item for item in after["initiatives"]}
    for key, item in new_items.items():
        if key not in old_items:
            rows.append(("Initiative", item["title"], "(added)", "–", _describe(item)))
            continue
        for field, label in INITIATIVE_FIELDS.items():
            if field != "title" and old_items[key].get(field) != item.get(field):
                rows.append(
                    (
                        "Initiative",
                        item["title"],
                        label,
                        _show(field, old_items[key].get(field)),
                        _show(field, item.get(field)),
                    )
                )
    for key, item in old_items.items():
        if key not in new_items:
            rows.append(("Initiative", item["title"], "(removed)", _describe(item), "–"))
    return pd.DataFrame(rows, columns=["part", "item", "field", "old", "new"])


def _describe(item: dict[str, Any]) -> str:
    parts = [PLAN_STATUSES.get(item.get("status") or "planned", "")]
    if item.get("owner"):
        parts.append(f"owner {item['owner']}")
    if item.get("due_date"):
        parts.append(f"due {item['due_date']}")
    if item.get("expected_impact") is not None:
        parts.append(f"impact {goals.format_value('bookings', item['expected_impact'])}")
    return ", ".join(part for part in parts if part)


def _summary(changes: pd.DataFrame) -> str:
    if changes.empty:
        return "no changes"
    fields = [
        f"{row.item} {row.field}".strip() if row.part == "Initiative" else row.field
        for row in changes.itertuples()
    ]
    text = ", ".join(fields[:8])
    return text + (f" and {len(fields) - 8} more" if len(fields) > 8 else "")


@dataclass(frozen=True)
class PlanSave:
    """What saving a plan did: created, saved (a new version) or unchanged."""

    plan: Plan
    action: str
    changes: pd.DataFrame

    @property
    def message(self) -> str:
        if self.action == "unchanged":
            return "Nothing changed, so no new version was saved."
        if self.action == "created":
            return f"Created the plan {self.plan.label} (version 1)."
        return f"Saved version {self.plan.version} of {self.plan.label}: {_summary(self.changes)}."


def _write_items(cur: duckdb.DuckDBPyConnection, plan_id: int, content: PlanContent) -> None:
    sql.execute(cur, "plans/delete_plan_items", plan_id=plan_id)
    for position, item in enumerate(content.initiatives, start=1):
        sql.execute(
            cur,
            "plans/insert_plan_item",
            plan_id=plan_id,
            position=position,
            title=item.title,
            owner=item.owner,
            due_date=item.due_date,
            status=item.status,
            expected_impact=item.expected_impact,
            notes=item.notes,
        )


def _write_version(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    plan_id: int,
    version: int,
    content: PlanContent,
    now: dt.datetime,
    change_summary: str,
) -> None:
    """Write the plan's initiatives and keep this version's snapshot in its history."""
    _write_items(cur, plan_id, content)
    sql.execute(
        cur,
        "plans/insert_plan_version",
        plan_id=plan_id,
        version=version,
        user_id=viewer.user_id,
        changed_at=now,
        change_summary=change_summary,
        snapshot=json.dumps(content.as_json(), sort_keys=True),
    )


def save_plan(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: GoalPeriod,
    content: PlanContent,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> PlanSave:
    """Create the plan for a scope and period or save a new version of it.

    `expected_version` is the version the editor started from (None: they saw no plan); a plan
    saved by someone else meanwhile is refused, naming who and when. Run inside a transaction.
    """
    now = now or dt.datetime.now()
    scope = goals.find_scope(goals.load_scopes(cur), scope_kind, scope_id)
    goals.check_can_edit(
        cur, viewer, scope["scope_kind"], scope["scope_id"], scope["scope_name"], what="plans"
    )
    existing_row = sql.fetch_one(
        cur,
        "plans/find_plan",
        subject_kind=scope["scope_kind"],
        subject_id=scope["scope_id"],
        period_kind=period.kind,
        period_start=period.start,
    )
    if existing_row is None:
        if expected_version is not None:
            raise StaleVersion("The plan you were editing no longer exists; reload the page.")
        plan_id = int(
            sql.fetch_one(
                cur,
                "plans/insert_plan",
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                subject_kind=scope["scope_kind"],
                subject_id=scope["scope_id"],
                **content.header_params(),
                user_id=viewer.user_id,
                changed_at=now,
            )["plan_id"]
        )
        changes = diff_contents(None, content)
        _write_version(cur, viewer, plan_id, 1, content, now, "created")
        record_audit(
            cur, viewer.user_id, "create", "plans", plan_id, f"{content.title} ({period.label})"
        )
        return PlanSave(get_plan(cur, viewer, plan_id), "created", changes)
    current = get_plan(cur, viewer, int(existing_row["plan_id"]))
    saved = goals.saved_by(current.updated_by_name, current.updated_at)
    if expected_version is None:
        raise StaleVersion(
            f"A plan for {current.label} exists already (version {current.version}{saved}). "
            "Nothing was changed; reload to edit that plan."
        )
    if int(expected_version) != current.version:
        raise StaleVersion(
            f"Someone saved the plan {current.label} meanwhile (version {current.version}"
            f"{saved}). Nothing was changed; reload to see their version, then apply your "
            "change again."
        )
    changes = diff_contents(current.content, content)
    if changes.empty:
        return PlanSave(current, "unchanged", changes)
    row = sql.fetch_one(
        cur,
        "plans/update_plan",
        plan_id=current.plan_id,
        **content.header_params(),
        expected_version=current.version,
        user_id=viewer.user_id,
        changed_at=now,
    )
    if row is None:
        raise StaleVersion("Someone saved the plan meanwhile. Nothing was changed; reload.")
    version = int(row["version"])
    _write_version(cur, viewer, current.plan_id, version, content, now, _summary(changes))
    record_audit(
        cur,
        viewer.user_id,
        "update",
        "plans",
        current.plan_id,
        f"version {version}: {_summary(changes)}",
    )
    return PlanSave(get_plan(cur, viewer, current.plan_id), "saved", changes)


def list_plan_versions(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int
) -> pd.DataFrame:
    """Every version of a plan the viewer may see, newest first (who, when, what changed)."""
    get_plan(cur, viewer, plan_id)
    frame = sql.fetch_df(cur, "plans/list_plan_versions", plan_id=int(plan_id))
    return frame.drop(columns=["snapshot"])


def load_plan_version(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int, version: int
) -> PlanContent:
    """The plan as it stood after one save."""
    get_plan(cur, viewer, plan_id)
    frame = sql.fetch_df(cur, "plans/list_plan_versions", plan_id=int(plan_id))
    match = frame[frame["version"] == int(version)]
    if match.empty:
        raise NotFoundError(f"Plan {plan_id} has no version {version}.")
    return PlanContent.from_json(json.loads(match["snapshot"].iloc[0]))


def diff_plan_versions(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: int, old_version: int, new_version: int
) -> pd.DataFrame:
    """What changed from one version of a plan to another."""
    old = load_plan_version(cur, viewer, plan_id, old_version)
    new = load_plan_version(cur, viewer, plan_id, new_version)
    return diff_contents(old, new)


# ----------------------------------------------------------------------------------- export


def initiatives_frame(content: PlanContent) -> pd.DataFrame:
    """The initiatives as a table (the editor's and the export's columns)."""
    frame = pd.DataFrame(
        [
            {
                "title": item.title,
                "owner": item.owner,
                "due_date": item.due_date,
                "status": item.status,
                "expected_impact": None
                if item.expected_impact is None
                else float(item.expected_impact),
                "notes": item.notes,
            }
            for item in content.initiatives
        ],
        columns=list(INITIATIVE_FIELDS),
    )
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    frame["expected_impact"] = frame["expected_impact"].astype(float)
    return frame


def plan_summary_frame(plan: Plan) -> pd.DataFrame:
    """The plan's fields as a two-column table (field, value)."""
    content = plan.content
    rows = [
        ("Scope", "Company" if plan.scope_kind == "company" else plan.scope_name),
        ("Period", plan.period.label),
        ("Title", content.title),
        ("Objectives", content.objectives),
        ("Strategy", content.strategy),
        ("Headcount", "" if content.headcount is None else str(content.headcount)),
        ("Budget (USD)", "" if content.budget is None else f"{content.budget:.2f}"),
        ("Version", str(plan.version)),
        ("Last saved by", plan.updated_by_name or ""),
        ("Last saved at", f"{plan.updated_at:%Y-%m-%d %H:%M}" if plan.updated_at else ""),
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def export_initiatives(plan: Plan) -> pd.DataFrame:
    """The initiatives with readable headers, for download."""
    frame = initiatives_frame(plan.content)
    frame["status"] = frame["status"].map(PLAN_STATUSES)
    return frame.rename(columns=INITIATIVE_FIELDS)


def plan_to_xlsx(plan: Plan) -> bytes:
    """An XLSX workbook: sheet 'plan' with the fields, sheet 'initiatives' with the initiatives."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in (
            ("plan", plan_summary_frame(plan)),
            ("initiatives", export_initiatives(plan)),
        ):
            safe = neutralise_formulas(frame)
            safe.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for index, column in enumerate(safe.columns):
                width = max([len(str(column))] + [len(str(value)) for value in safe[column]])
                sheet.set_column(index, index, min(max(width + 2, 10), 80))
    return buffer.getvalue()


def plan_to_csv(plan: Plan) -> bytes:
    """One CSV with the plan's fields first, then the initiatives (section, field, value...)."""
    summary = plan_summary_frame(plan).rename(columns={"field": "Field", "value": "Value"})
    summary.insert(0, "Section", "Plan")
    items = export_initiatives(plan)
    items.insert(0, "Section", "Initiative")
    combined = pd.concat([summary, items], ignore_index=True)
    return neutralise_formulas(combined).to_csv(index=False).encode("utf-8-sig")


def plan_to_markdown(plan: Plan) -> str:
    """The plan as Markdown text."""
    content = plan.content
    lines = [
        f"# {content.title}",
        "",
        f"*{'Company' if plan.scope_kind == 'company' else plan.scope_name} · "
        f"{plan.period.label} · version {plan.version}"
        + (f", saved by {plan.updated_by_name}" if plan.updated_by_name else "")
        + (f" on {plan.updated_at:%Y-%m-%d}" if plan.updated_at else "")
        + "*",
        "",
        "## Objectives",
        "",
        content.objectives or "–",
        "",
        "## Strategy",
        "",
        content.strategy or "–",
        "",
        "## Resources",
        "",
        f"- Headcount: {content.headcount if content.headcount is not None else '–'}",
        f"- Budget: {goals.format_value('bookings', content.budget) if content.budget is not None else '–'}",
        "",
        "## Initiatives",
        "",
    ]
    if not content.initiatives:
        lines.append("None yet.")
    else:
        lines.append("| Initiative | Owner | Due | Status | Expected impact | Notes |")
        lines.append("|---|---|---|---|---|---|")
        for item in content.initiatives:
            cells = [
                item.title,
                item.owner or "",
                item.due_date.isoformat() if item.due_date else "",
                PLAN_STATUSES[item.status],
                goals.format_value("bookings", item.expected_impact)
                if item.expected_impact is not None
                else "",
                item.notes or "",
            ]
            lines.append(
                "| "
                + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells)
                + " |"
            )
    return "\n".join(lines) + "\n"
