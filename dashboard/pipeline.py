"""The pipeline at work: deals by stage and as a filterable table, stage moves, bulk edits,
activities, after-sales follow-ups and customer feedback.

Every deal write goes through dashboard.deals (validation, roles, scope, one event per changed
field, optimistic concurrency); this module adds what a pipeline page needs around it. Reads
are scoped by the viewer (reps their own deals, managers their team's subtree) in SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pandas as pd

from dashboard import deals, sql
from dashboard.audit import record_audit
from dashboard.auth import Viewer
from dashboard.db import Database
from dashboard.errors import DomainError, NotFoundError, PermissionDenied, ValidationError

ACTIVITY_TYPES = ("call", "meeting", "presentation", "proposal", "follow_up")
ACTIVITY_LABELS = {
    "call": "Call",
    "meeting": "Meeting",
    "presentation": "Presentation",
    "proposal": "Proposal",
    "follow_up": "Follow-up",
}
DEAL_STATUSES = {
    "open": "Open",
    "won": "Won",
    "lost": "Lost",
    "closed": "Won or lost",
    "all": "All",
}
DEAL_SORTS = {
    "amount": "Amount, largest first",
    "close_date": "Close date, soonest first",
    "updated": "Recently changed",
    "name": "Name",
}
# offered in forms next to the ones already used in the viewer's deals
LEAD_SOURCES = ("Referral", "Web", "Outbound", "Event", "Partner", "Inbound call", "Paid ads")
LOSS_REASONS = ("Price", "Competitor", "No decision", "Timing", "Product fit", "Budget")
FEEDBACK_SCORES = (1, 2, 3, 4, 5)
FOLLOW_UP_DAYS = 14  # a won deal's after-sales follow-up is due this many days after the win
MAX_PER_STAGE = 100
MAX_PAGE_SIZE = 500
MAX_SUBJECT = 200
MAX_NOTES = 4000

# editable grid columns -> the deal field each one sets
GRID_COLUMNS = {
    "opportunity_name": "opportunity_name",
    "stage_name": "stage_id",
    "amount": "amount",
    "probability": "probability",
    "forecast_category": "forecast_category",
    "expected_close_date": "expected_close_date",
    "lead_rating": "lead_rating",
    "next_step": "next_step",
    "loss_reason": "loss_reason",
}
FIELD_LABELS = deals.FIELD_LABELS
_NUMBER_FIELDS = ("amount", "discount_pct", "probability")
_ID_FIELDS = ("account_id", "owner_rep_id", "product_id", "territory_id", "stage_id")
_TEXT_FIELDS = (
    "opportunity_name",
    "lead_rating",
    "lead_source",
    "currency_code",
    "forecast_category",
    "next_step",
    "loss_reason",
)


@dataclass(frozen=True)
class PipelineFilter:
    """The Pipeline page's filters; None (or an empty tuple) means no filter."""

    team_id: int | None = None
    territory_id: int | None = None
    product_id: int | None = None
    owner_rep_id: int | None = None
    lead_ratings: tuple[str, ...] = ()
    lead_sources: tuple[str, ...] = ()
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    search_text: str | None = None

    def params(self) -> dict[str, Any]:
        """The bound parameters of the filter (checked first)."""
        unknown = set(self.lead_ratings) - set(deals.LEAD_RATINGS)
        if unknown:
            raise ValidationError(
                f"lead rating must be one of {', '.join(deals.LEAD_RATINGS)}, not "
                f"{', '.join(sorted(unknown))}"
            )
        if self.close_from and self.close_to and self.close_to < self.close_from:
            raise ValidationError(
                f"the close date range ends ({self.close_to}) before it starts ({self.close_from})"
            )
        search = (self.search_text or "").strip()
        return {
            "team_id": self.team_id,
            "territory_id": self.territory_id,
            "product_id": self.product_id,
            "owner_rep_id": self.owner_rep_id,
            "lead_ratings": list(self.lead_ratings) or None,
            "lead_sources": list(self.lead_sources) or None,
            "close_from": self.close_from,
            "close_to": self.close_to,
            "search_text": search or None,
        }


@dataclass(frozen=True)
class Board:
    """Open deals by stage: one row per column (with deals, amount, weighted, shown, more)
    and the cards shown, at most `per_stage` per column, largest first."""

    columns: pd.DataFrame
    cards: pd.DataFrame
    per_stage: int


@dataclass(frozen=True)
class DealPage:
    """One page of the deal table, with how many deals match in all."""

    rows: pd.DataFrame
    total: int
    amount: float
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.page_size)


@dataclass(frozen=True)
class StageMove:
    """A deal moved to its next stage."""

    saved: deals.SavedDeal
    from_stage: str
    to_stage: str


class StaleEditError(deals.ConflictError):
    """A stale edit, with the changes the user asked for (`pending`) so they can be re-applied."""

    def __init__(self, error: deals.ConflictError, pending: dict[str, Any]):
        super().__init__(str(error), error.changes, error.current)
        self.pending = pending


@dataclass(frozen=True)
class RowEdit:
    """The changed cells of one grid row, and the row version the grid showed."""

    opportunity_id: int
    row_version: int
    changes: dict[str, Any] = field(hash=False)
    opportunity_name: str = ""


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row of a bulk edit: saved, unchanged or refused (and why)."""

    edit: RowEdit
    outcome: str
    message: str
    row_version: int | None = None
    is_conflict: bool = False


def can_edit(viewer: Viewer) -> bool:
    """Whether the viewer's role may change deals in the app (admin, manager, rep)."""
    return viewer.role in deals.WRITERS["app"]


def _require_writer(viewer: Viewer, what: str = "change deals") -> None:
    if not can_edit(viewer):
        raise PermissionDenied(f"The {viewer.role} role cannot {what}.")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or dt.datetime.now()


def _audit(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    action: str,
    entity: str,
    entity_id: int,
    detail: dict[str, Any],
) -> None:
    record_audit(
        cur, viewer.user_id or None, action, entity, entity_id, json.dumps(detail, default=str)
    )


# --- reads ----------------------------------------------------------------------------------


def list_stages(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stage of the default pipeline in order, with its defaults and kind."""
    return sql.fetch_df(cur, "pipeline/list_stages")


def following_stage(stages: pd.DataFrame, sort_order: int) -> str | None:
    """The name of the stage a 'next stage' move leads to from a stage at `sort_order`, by the
    same rule as advance_stage (the next active stage that is not lost), from list_stages."""
    later = stages[(stages["sort_order"] > int(sort_order)) & stages["is_active"]]
    later = later[~later["is_lost"]].sort_values("sort_order")
    return None if later.empty else str(later.iloc[0]["stage_name"])


def load_board(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    filters: PipelineFilter = PipelineFilter(),
    per_stage: int = 10,
) -> Board:
    """Open deals by stage for the viewer: counts and totals per stage, and its largest deals."""
    if not 1 <= int(per_stage) <= MAX_PER_STAGE:
        raise ValidationError(f"show between 1 and {MAX_PER_STAGE} deals per stage")
    params = {**viewer.scope_params(), **filters.params()}
    columns = sql.fetch_df(cur, "pipeline/summarise_board", **params)
    cards = sql.fetch_df(cur, "pipeline/list_board_cards", **params, per_stage=int(per_stage))
    for column in ("amount", "weighted_amount"):
        columns[column] = columns[column].astype(float)
    shown = cards.groupby("stage_id").size()
    columns["shown"] = columns["stage_id"].map(shown).fillna(0).astype(int)
    columns["more"] = columns["deals"] - columns["shown"]
    return Board(columns=columns, cards=cards, per_stage=int(per_stage))


def list_deals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    filters: PipelineFilter = PipelineFilter(),
    status: str = "open",
    sort: str = "amount",
    page: int = 1,
    page_size: int = 50,
) -> DealPage:
    """One page of the viewer's deals matching the filters (page clamped to the last one)."""
    if status not in DEAL_STATUSES:
        raise ValidationError(f"status must be one of {', '.join(DEAL_STATUSES)}")
    if sort not in DEAL_SORTS:
        raise ValidationError(f"sort by one of {', '.join(DEAL_SORTS)}")
    if not 1 <= int(page_size) <= MAX_PAGE_SIZE:
        raise ValidationError(f"a page holds between 1 and {MAX_PAGE_SIZE} deals")
    params = {**viewer.scope_params(), **filters.params(), "deal_status": status}
    counted = sql.fetch_one(cur, "pipeline/count_deals", **params)
    total = int(counted["deals"])
    pages = max(1, math.ceil(total / int(page_size)))
    page = min(max(1, int(page)), pages)
    rows = sql.fetch_df(
        cur,
        "pipeline/list_deals",
        **params,
        deal_sort=sort,
        limit=int(page_size),
        row_offset=(page - 1) * int(page_size),
    )
    return DealPage(
        rows=rows,
        total=total,
        amount=float(counted["amount"]),
        page=page,
        page_size=int(page_size),
    )


def load_deal(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int
) -> dict[str, Any]:
    """One deal the viewer may see, with its names (NotFoundError otherwise)."""
    return deals.get_deal(cur, viewer, int(opportunity_id))


def load_timeline(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int
) -> pd.DataFrame:
    """A deal's whole history, oldest first, with the stage's sort order for charts."""
    events = deals.list_events(cur, viewer, int(opportunity_id))
    orders = list_stages(cur).set_index("stage_name")["sort_order"]
    events["stage_order"] = events["stage_name"].map(orders)
    return events


def list_lead_sources(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[str]:
    """Lead sources to offer: the usual ones and those used on the viewer's deals."""
    used = [
        row["lead_source"]
        for row in sql.fetch_all(cur, "pipeline/list_lead_sources", **viewer.scope_params())
    ]
    return sorted(set(LEAD_SOURCES) | set(used))


def list_loss_reasons(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[str]:
    """Loss reasons to offer: those used on the viewer's lost deals (most used first), then
    the usual ones."""
    used = [
        row["loss_reason"]
        for row in sql.fetch_all(cur, "pipeline/list_loss_reasons", **viewer.scope_params())
    ]
    return list(dict.fromkeys([*used, *LOSS_REASONS]))


def list_accounts(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, search_text: str | None = None, limit: int = 200
) -> pd.DataFrame:
    """Accounts whose name contains the search text, those of the viewer's reps first."""
    return sql.fetch_df(
        cur,
        "pipeline/list_accounts",
        search_text=(search_text or "").strip() or None,
        limit=int(limit),
        **viewer.scope_params(),
    )


def list_currencies(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Currencies a deal can be in: the reporting currency and those with exchange rates."""
    rows = sql.fetch_all(
        cur, "pipeline/list_currencies", reporting_currency=deals.REPORTING_CURRENCY
    )
    return [row["currency_code"] for row in rows]


def list_activities(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int
) -> pd.DataFrame:
    """The activities and follow-up tasks of a deal the viewer may see, newest first."""
    deals.get_deal(cur, viewer, int(opportunity_id))
    return sql.fetch_df(
        cur,
        "pipeline/list_activities",
        opportunity_id=int(opportunity_id),
        **viewer.scope_params(),
    )


def list_overdue_follow_ups(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, today: dt.date, limit: int = 500
) -> pd.DataFrame:
    """Follow-ups not done and due before today on the viewer's deals (a rep's own, a
    manager's subtree), oldest first, with `total_overdue` counting all of them."""
    return sql.fetch_df(
        cur,
        "pipeline/list_overdue_follow_ups",
        today=today,
        limit=int(limit),
        **viewer.scope_params(),
    )


def list_feedback(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int
) -> pd.DataFrame:
    """Customer feedback on a deal the viewer may see, newest first."""
    deals.get_deal(cur, viewer, int(opportunity_id))
    return sql.fetch_df(
        cur, "pipeline/list_feedback", opportunity_id=int(opportunity_id), **viewer.scope_params()
    )


def summarise_feedback(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Customer feedback per deal owner in the viewer's scope: responses and average score."""
    frame = sql.fetch_df(cur, "pipeline/summarise_feedback", **viewer.scope_params())
    frame["average_score"] = frame["average_score"].astype(float)
    return frame


# --- deal writes (all through dashboard.deals) -----------------------------------------------


def _required_numbers(changes: Mapping[str, Any]) -> None:
    for name in _NUMBER_FIELDS:
        if name in changes and _is_blank(changes[name]):
            raise ValidationError(f"the {FIELD_LABELS[name]} cannot be empty")


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def save_new_deal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    values: Mapping[str, Any],
    at: dt.datetime | None = None,
) -> deals.SavedDeal:
    """Create a deal (through deals.create_deal): blank values take their defaults, the
    territory defaults to the account's, and a deal created as won gets its follow-up."""
    given = {name: value for name, value in values.items() if not _is_blank(value)}
    if "amount" in values and _is_blank(values["amount"]):
        raise ValidationError("the amount cannot be empty")
    if given.get("account_id") is not None and given.get("territory_id") is None:
        account = sql.fetch_one(cur, "pipeline/get_account", account_id=int(given["account_id"]))
        if account is None:
            raise ValidationError(f"there is no account with id {given['account_id']}")
        if account["territory_id"] is not None:
            given["territory_id"] = int(account["territory_id"])
    at = _now(at)
    saved = deals.create_deal(cur, viewer, given, at=at)
    deal = deals.get_deal(cur, viewer, saved.opportunity_id)
    if deal["is_won"]:
        _schedule_after_sale(cur, viewer, deal, at)
    return saved


def save_deal_changes(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    at: dt.datetime | None = None,
) -> deals.SavedDeal:
    """Apply field changes at the version the user saw (through deals.update_deal); a deal
    that becomes won gets its after-sales follow-up. A stale version raises StaleEditError."""
    _required_numbers(changes)
    at = _now(at)
    before = deals.get_deal(cur, viewer, int(opportunity_id))
    try:
        saved = deals.update_deal(
            cur, viewer, int(opportunity_id), int(expected_version), dict(changes), at=at
        )
    except deals.ConflictError as error:
        raise StaleEditError(error, dict(changes)) from error
    if saved.events and not before["is_won"]:
        after = deals.get_deal(cur, viewer, int(opportunity_id))
        if after["is_won"]:
            _schedule_after_sale(cur, viewer, after, at)
    return saved


def reapply_changes(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    changes: Mapping[str, Any],
    at: dt.datetime | None = None,
) -> deals.SavedDeal:
    """Apply changes refused as stale on the deal's current version (what the user confirmed
    after seeing what changed meanwhile)."""
    current = deals.get_deal(cur, viewer, int(opportunity_id))
    return save_deal_changes(
        cur, viewer, int(opportunity_id), int(current["row_version"]), changes, at
    )


def _stage_id(stages: pd.DataFrame, column: str) -> int:
    rows = stages[stages[column] & stages["is_active"]]
    if rows.empty:
        raise ValidationError(f"this pipeline has no active {column.removeprefix('is_')} stage")
    return int(rows.iloc[0]["stage_id"])


def advance_stage(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    expected_version: int,
    seen_stage_id: int | None = None,
    at: dt.datetime | None = None,
) -> StageMove:
    """Move a deal to the stage after the one the user saw (`seen_stage_id`, default the
    current one); after the last open stage comes won."""
    deal = deals.get_deal(cur, viewer, int(opportunity_id))
    from_stage_id = int(seen_stage_id) if seen_stage_id is not None else int(deal["stage_id"])
    following = sql.fetch_one(cur, "pipeline/get_next_stage", stage_id=from_stage_id)
    if following is None:
        state = "won" if deal["is_won"] else "lost" if deal["is_lost"] else "at its last stage"
        raise ValidationError(
            f"{deal['opportunity_name']} is {state}; it has no next stage. To reopen it, "
            "choose a stage in the edit form."
        )
    stages = list_stages(cur).set_index("stage_id")["stage_name"]
    saved = save_deal_changes(
        cur,
        viewer,
        int(opportunity_id),
        expected_version,
        {"stage_id": int(following["stage_id"])},
        at,
    )
    return StageMove(saved, str(stages.get(from_stage_id, "")), str(following["stage_name"]))


def mark_won(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    expected_version: int,
    at: dt.datetime | None = None,
) -> deals.SavedDeal:
    """Close a deal as won (and schedule its after-sales follow-up)."""
    won = _stage_id(list_stages(cur), "is_won")
    return save_deal_changes(cur, viewer, opportunity_id, expected_version, {"stage_id": won}, at)


def mark_lost(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    expected_version: int,
    loss_reason: str | None,
    at: dt.datetime | None = None,
) -> deals.SavedDeal:
    """Close a deal as lost; a loss reason is required."""
    if _is_blank(loss_reason):
        raise ValidationError("a lost deal needs a loss reason")
    lost = _stage_id(list_stages(cur), "is_lost")
    return save_deal_changes(
        cur,
        viewer,
        opportunity_id,
        expected_version,
        {"stage_id": lost, "loss_reason": str(loss_reason).strip()},
        at,
    )


def _normalise(name: str, value: Any) -> Any:
    """A field value in a form comparable with the stored one."""
    if _is_blank(value) and name not in ("is_recurring",):
        return None
    if name in _NUMBER_FIELDS:
        try:
            return round(Decimal(str(value)), 2)
        except (InvalidOperation, ValueError):
            return value
    if name in _ID_FIELDS:
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if name == "expected_close_date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, pd.Timestamp):
            return value.date()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
        return value
    if name == "is_recurring":
        return bool(value)
    if name in _TEXT_FIELDS and isinstance(value, str):
        return value.strip()
    return value


def diff_changes(current: Mapping[str, Any], typed: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a form whose typed value differs from the deal's (as the user typed them)."""
    return {
        name: value
        for name, value in typed.items()
        if name in deals.FIELDS and _normalise(name, value) != _normalise(name, current.get(name))
    }


# --- bulk edits ------------------------------------------------------------------------------


def _grid_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def collect_grid_edits(
    original: pd.DataFrame, edited_rows: Mapping[Any, Mapping[str, Any]]
) -> list[RowEdit]:
    """The row edits of an editable grid: the changed editable cells of each row (keyed by the
    row's position in `original`), with the row version the grid showed."""
    edits = []
    for position, cells in sorted(edited_rows.items(), key=lambda item: int(item[0])):
        row = original.iloc[int(position)]
        changes = {
            column: _grid_value(value) for column, value in cells.items() if column in GRID_COLUMNS
        }
        changes = {
            column: value
            for column, value in changes.items()
            if _grid_normalise(column, value) != _grid_normalise(column, _cell(row, column))
        }
        if changes:
            edits.append(
                RowEdit(
                    opportunity_id=int(row["opportunity_id"]),
                    row_version=int(row["row_version"]),
                    changes=changes,
                    opportunity_name=str(row.get("opportunity_name", "")),
                )
            )
    return edits


def _grid_normalise(column: str, value: Any) -> Any:
    if column == "stage_name":
        return None if _is_blank(value) else str(value).strip()
    return _normalise(GRID_COLUMNS[column], value)


def _cell(row: pd.Series, column: str) -> Any:
    value = row.get(column)
    if value is not None and not isinstance(value, str) and pd.isna(value):
        return None
    return value


def _field_changes(stages: pd.DataFrame, grid_changes: Mapping[str, Any]) -> dict[str, Any]:
    """Grid columns -> deal fields (a stage is given by its name)."""
    changes = {}
    for column, value in grid_changes.items():
        if column == "stage_name":
            match = stages[stages["stage_name"] == value]
            if match.empty:
                raise ValidationError(f"there is no stage called {value!r}")
            changes["stage_id"] = int(match.iloc[0]["stage_id"])
        else:
            changes[GRID_COLUMNS[column]] = value
    return changes


def describe_changes(changes: Mapping[str, Any]) -> str:
    """Changes as a person reads them: 'amount 1500; stage Closing'."""
    return "; ".join(
        f"{FIELD_LABELS.get(name, name)} {'(empty)' if _is_blank(value) else value}"
        for name, value in changes.items()
    )


def apply_bulk_edits(
    db: Database,
    viewer: Viewer,
    edits: Sequence[RowEdit],
    at: dt.datetime | None = None,
    on_current_version: bool = False,
) -> list[RowOutcome]:
    """Save each edited row in its own transaction at the version the grid showed (or, to
    re-apply rows refused as stale, at the current one): a refused row (bad value, out of
    scope, stale) changes nothing, and the other rows are still saved."""
    _require_writer(viewer)
    with db.reading() as cur:
        stages = list_stages(cur)
    outcomes = []
    for edit in edits:
        try:
            with db.transaction() as cur:
                changes = _field_changes(stages, edit.changes)
                if on_current_version:
                    saved = reapply_changes(cur, viewer, edit.opportunity_id, changes, at)
                else:
                    saved = save_deal_changes(
                        cur, viewer, edit.opportunity_id, edit.row_version, changes, at
                    )
        except deals.ConflictError as error:
            outcomes.append(RowOutcome(edit, "refused", str(error), None, is_conflict=True))
        except DomainError as error:
            outcomes.append(RowOutcome(edit, "refused", str(error)))
        else:
            if saved.events:
                outcomes.append(RowOutcome(edit, "saved", "", saved.row_version))
            else:
                outcomes.append(
                    RowOutcome(edit, "unchanged", "nothing to change", saved.row_version)
                )
    return outcomes


def describe_outcomes(outcomes: Sequence[RowOutcome]) -> pd.DataFrame:
    """A bulk edit's outcome per row, for a table: deal, outcome, reason, the edit."""
    return pd.DataFrame(
        {
            "opportunity_id": [item.edit.opportunity_id for item in outcomes],
            "deal": [item.edit.opportunity_name for item in outcomes],
            "outcome": [item.outcome for item in outcomes],
            "reason": [item.message for item in outcomes],
            "changes": [describe_changes(item.edit.changes) for item in outcomes],
            "row_version": pd.array([item.row_version for item in outcomes], dtype="Int64"),
        }
    )


# --- activities, follow-ups and feedback ------------------------------------------------------


def _editable_deal(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int, what: str
) -> dict[str, Any]:
    _require_writer(viewer, what)
    return deals.get_deal(cur, viewer, int(opportunity_id))


def _text(value: Any, label: str, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise ValidationError(f"the {label} is too long: at most {limit} characters")
    return text or None


def _as_datetime(value: Any, label: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"the {label} must be a date like 2026-12-31, not {value!r}")


def _as_date(value: Any, label: str) -> dt.date:
    return _as_datetime(value, label).date()


def _insert_activity(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    deal: Mapping[str, Any],
    activity_type: str,
    occurred_at: dt.datetime,
    subject: str | None,
    notes: str | None,
    due_date: dt.date | None,
    is_done: bool,
    action: str,
) -> int:
    row = sql.fetch_one(
        cur,
        "pipeline/insert_activity",
        opportunity_id=int(deal["opportunity_id"]),
        account_id=deal["account_id"],
        rep_id=int(deal["owner_rep_id"]),
        activity_type=activity_type,
        occurred_at=occurred_at,
        subject=subject or ACTIVITY_LABELS[activity_type],
        notes=notes,
        due_date=due_date,
        is_done=is_done,
        created_by=viewer.user_id or None,
    )
    activity_id = int(row["activity_id"])
    _audit(
        cur,
        viewer,
        action,
        "activities",
        activity_id,
        {
            "opportunity_id": int(deal["opportunity_id"]),
            "activity_type": activity_type,
            "occurred_at": occurred_at,
            "due_date": due_date,
        },
    )
    return activity_id


def log_activity(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    activity_type: str,
    occurred_at: dt.date | dt.datetime | str,
    subject: str | None = None,
    notes: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Record an activity that happened on a deal the viewer may edit; returns its id."""
    deal = _editable_deal(cur, viewer, opportunity_id, "log activities")
    if activity_type not in ACTIVITY_TYPES:
        raise ValidationError(
            "the activity type must be one of "
            + ", ".join(ACTIVITY_LABELS[kind].lower() for kind in ACTIVITY_TYPES)
        )
    when = _as_datetime(occurred_at, "activity date")
    today = _now(at).date()
    if when.date() > today:
        raise ValidationError(
            f"an activity is logged once it happened; {when.date()} is in the future "
            "(schedule a follow-up instead)"
        )
    created = deal["created_at"].date()
    if when.date() < created:
        raise ValidationError(
            f"the activity date {when.date()} is before the deal was created ({created})"
        )
    return _insert_activity(
        cur,
        viewer,
        deal,
        activity_type,
        when,
        _text(subject, "subject", MAX_SUBJECT),
        _text(notes, "notes", MAX_NOTES),
        None,
        True,
        "log_activity",
    )


def schedule_follow_up(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    due_date: dt.date | str,
    subject: str | None = None,
    notes: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Add a follow-up task (not done, due on `due_date`) to a deal the viewer may edit."""
    deal = _editable_deal(cur, viewer, opportunity_id, "schedule follow-ups")
    if _is_blank(due_date):
        raise ValidationError("a follow-up needs a due date")
    due = _as_date(due_date, "due date")
    today = _now(at).date()
    if due < today:
        raise ValidationError(f"the due date {due} is in the past; pick today or later")
    return _insert_follow_up(
        cur,
        viewer,
        deal,
        due,
        _text(subject, "subject", MAX_SUBJECT),
        _text(notes, "notes", MAX_NOTES),
    )


def _insert_follow_up(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    deal: Mapping[str, Any],
    due: dt.date,
    subject: str | None,
    notes: str | None,
) -> int:
    """A follow-up task on the deal, not done, due (and dated) on `due`."""
    return _insert_activity(
        cur,
        viewer,
        deal,
        "follow_up",
        dt.datetime.combine(due, dt.time()),
        subject,
        notes,
        due,
        False,
        "schedule_follow_up",
    )


def _schedule_after_sale(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, deal: Mapping[str, Any], at: dt.datetime
) -> int | None:
    """The after-sales follow-up of a deal just won (none when one is open already)."""
    open_tasks = sql.fetch_df(
        cur,
        "pipeline/list_activities",
        opportunity_id=int(deal["opportunity_id"]),
        **viewer.scope_params(),
    )
    pending = open_tasks[(open_tasks["activity_type"] == "follow_up") & ~open_tasks["is_done"]]
    if not pending.empty:
        return None
    due = at.date() + dt.timedelta(days=FOLLOW_UP_DAYS)
    return _insert_follow_up(
        cur, viewer, deal, due, "After-sales follow-up", "Scheduled when the deal was won."
    )


def complete_follow_up(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    activity_id: int,
    at: dt.datetime | None = None,
) -> None:
    """Mark a follow-up task done (who and when are kept; the task itself is not changed)."""
    _require_writer(viewer, "complete follow-ups")
    task = sql.fetch_one(
        cur, "pipeline/get_activity", activity_id=int(activity_id), **viewer.scope_params()
    )
    if task is None:
        raise NotFoundError(f"There is no follow-up {activity_id} that you can see.")
    if task["activity_type"] != "follow_up":
        raise ValidationError("only follow-up tasks can be marked done")
    if task["is_done"]:
        raise ValidationError(f"the follow-up {task['subject'] or activity_id} is done already")
    at = _now(at)
    row = sql.fetch_one(
        cur,
        "pipeline/complete_follow_up",
        activity_id=int(activity_id),
        done_at=at,
        done_by=viewer.user_id or None,
    )
    if row is None:
        raise ValidationError(f"the follow-up {task['subject'] or activity_id} is done already")
    _audit(
        cur,
        viewer,
        "complete_follow_up",
        "activities",
        int(activity_id),
        {"opportunity_id": task["opportunity_id"], "due_date": task["due_date"]},
    )


def record_feedback(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    score: Any,
    comment: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Record a customer's score (1-5) and comment on a won deal; returns the feedback id."""
    deal = _editable_deal(cur, viewer, opportunity_id, "record customer feedback")
    if not deal["is_won"]:
        raise ValidationError(
            f"customer feedback is recorded on won deals; {deal['opportunity_name']} is "
            f"{deal['stage_name']}"
        )
    if isinstance(score, bool) or _is_blank(score):
        raise ValidationError("choose a score from 1 (poor) to 5 (excellent)")
    try:
        number = Decimal(str(score))
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite():
        number = Decimal(-1)
    if number != number.to_integral_value() or int(number) not in FEEDBACK_SCORES:
        raise ValidationError(f"the score must be a whole number from 1 to 5, not {score!r}")
    row = sql.fetch_one(
        cur,
        "pipeline/insert_feedback",
        opportunity_id=int(opportunity_id),
        account_id=deal["account_id"],
        rep_id=int(deal["owner_rep_id"]),
        score=int(number),
        comment=_text(comment, "comment", MAX_NOTES),
        received_at=_now(at),
        created_by=viewer.user_id or None,
    )
    feedback_id = int(row["feedback_id"])
    _audit(
        cur,
        viewer,
        "record_feedback",
        "customer_feedback",
        feedback_id,
        {"opportunity_id": int(opportunity_id), "score": int(number)},
    )
    return feedback_id
