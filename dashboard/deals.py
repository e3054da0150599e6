"""The one write path for deals: create and change them, and append their history.

Every change becomes opportunity_events rows (who, when, field, old -> new, and the deal's
key fields right after it). Edits carry the row version they started from; an edit against a
stale version is refused with what changed meanwhile, so nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import DomainError, NotFoundError, PermissionDenied, ValidationError

REPORTING_CURRENCY = "USD"
LEAD_RATINGS = ("cold", "warm", "hot")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")
ORIGINS = ("app", "import", "system")
# who may write deals, by origin of the change
WRITERS = {"app": ("admin", "manager", "rep"), "import": ("admin", "analyst"), "system": ("admin",)}

# the fields a person (or an import) may set, in the order their events are written
FIELDS = (
    "opportunity_name",
    "account_id",
    "owner_rep_id",
    "product_id",
    "territory_id",
    "lead_rating",
    "lead_source",
    "currency_code",
    "amount",
    "discount_pct",
    "probability",
    "forecast_category",
    "expected_close_date",
    "next_step",
    "is_recurring",
    "stage_id",
    "loss_reason",
)
REFERENCE_NAMES = {
    "stage_id": "stage_name",
    "owner_rep_id": "owner_name",
    "account_id": "account_name",
    "product_id": "product_name",
    "territory_id": "territory_name",
}
DEFAULTS: dict[str, Any] = {
    "account_id": None,
    "product_id": None,
    "territory_id": None,
    "lead_rating": None,
    "lead_source": None,
    "currency_code": REPORTING_CURRENCY,
    "amount": Decimal("0"),
    "discount_pct": Decimal("0"),
    "probability": None,
    "forecast_category": None,
    "expected_close_date": None,
    "next_step": None,
    "is_recurring": False,
    "stage_id": 1,
    "loss_reason": None,
}


# how each field is named to a person (messages, history, conflict reports)
FIELD_LABELS = {
    "opportunity_name": "name",
    "account_id": "account",
    "owner_rep_id": "owner",
    "product_id": "product",
    "territory_id": "territory",
    "lead_rating": "lead rating",
    "lead_source": "lead source",
    "currency_code": "currency",
    "amount": "amount",
    "discount_pct": "discount",
    "probability": "probability",
    "forecast_category": "forecast category",
    "expected_close_date": "expected close date",
    "next_step": "next step",
    "is_recurring": "recurring",
    "stage_id": "stage",
    "stage_name": "stage",
    "loss_reason": "loss reason",
}


class ConflictError(DomainError):
    """The deal changed since the editor loaded it; `changes` lists what changed meanwhile."""

    def __init__(self, message: str, changes: pd.DataFrame, current: dict[str, Any]):
        super().__init__(message)
        self.changes = changes
        self.current = current


@dataclass(frozen=True)
class SavedDeal:
    opportunity_id: int
    row_version: int
    events: int


def _authorise(viewer: Viewer, origin: str) -> None:
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    if viewer.role not in WRITERS[origin]:
        what = "import deals" if origin == "import" else "change deals"
        raise PermissionDenied(f"The {viewer.role} role cannot {what}.")


# the largest magnitudes the columns hold (DECIMAL(18, 2) money, DECIMAL(5, 2) percentages)
MAX_MONEY = Decimal("1e16")
LIMITS = {"discount_pct": Decimal(1000), "probability": Decimal(1000)}
MAX_ID = 2**31 - 1
TEXT_FIELDS = (
    "opportunity_name",
    "lead_source",
    "next_step",
    "loss_reason",
    "lead_rating",
    "currency_code",
)


def _decimal(value: Any, field: str, places: int = 2) -> Decimal:
    try:
        number = Decimal(str(value))
        if number.is_finite():
            number = round(number, places)
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{field.replace('_', ' ')} must be a number, not {value!r}"
        ) from None
    if not number.is_finite():
        raise ValidationError(f"{field.replace('_', ' ')} must be a number, not {value!r}")
    if abs(number) >= LIMITS.get(field, MAX_MONEY):
        raise ValidationError(f"{field.replace('_', ' ')} {value!r} is out of range")
    return number


def _date(value: Any, field: str) -> dt.date | None:
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            f"{field.replace('_', ' ')} must be a date like 2026-12-31, not {value!r}"
        ) from None


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise types of the given fields (unknown fields are refused)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"these fields cannot be set: {', '.join(sorted(unknown))}")
    clean = dict(values)
    for field in ("amount", "discount_pct", "probability"):
        if clean.get(field) is not None:
            clean[field] = _decimal(clean[field], field)
    if "expected_close_date" in clean:
        clean["expected_close_date"] = _date(clean["expected_close_date"], "expected_close_date")
    for field in ("account_id", "owner_rep_id", "product_id", "territory_id", "stage_id"):
        if clean.get(field) is not None:
            try:
                number = int(clean[field])
            except (TypeError, ValueError, OverflowError):
                number = None
            if number is None or not -MAX_ID <= number <= MAX_ID:
                raise ValidationError(
                    f"{field.replace('_', ' ')} must be an id, not {clean[field]!r}"
                )
            clean[field] = number
    for field in TEXT_FIELDS:
        if clean.get(field) is not None and not isinstance(clean[field], str):
            raise ValidationError(f"{field.replace('_', ' ')} must be text, not {clean[field]!r}")
        if isinstance(clean.get(field), str):
            clean[field] = clean[field].strip() or None
    if clean.get("currency_code"):
        clean["currency_code"] = clean["currency_code"].upper()
    if "is_recurring" in clean:
        clean["is_recurring"] = bool(clean["is_recurring"])
    return clean


def _names(cur: duckdb.DuckDBPyConnection, state: dict[str, Any]) -> dict[str, Any]:
    return sql.fetch_one(
        cur,
        "deals/get_reference_names",
        stage_id=state.get("stage_id"),
        owner_rep_id=state.get("owner_rep_id"),
        account_id=state.get("account_id"),
        product_id=state.get("product_id"),
        territory_id=state.get("territory_id"),
    )


def _amount_rc(
    cur: duckdb.DuckDBPyConnection, amount: Decimal, currency: str, on: dt.date
) -> Decimal:
    if currency == REPORTING_CURRENCY:
        return amount
    row = sql.fetch_one(cur, "deals/get_fx_rate", currency_code=currency, rate_date=on)
    if row is None:
        raise ValidationError(
            f"there is no exchange rate for {currency} on or before {on}; add one first"
        )
    return round(amount * Decimal(row["rate_to_reporting"]), 2)


def _validate(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    state: dict[str, Any],
    origin: str,
    names: dict[str, Any],
) -> None:
    if not state.get("opportunity_name"):
        raise ValidationError("a deal needs a name")
    if state.get("owner_rep_id") is None or names["owner_name"] is None:
        raise ValidationError("a deal needs an owner who is a rep in this workspace")
    for field in ("account_id", "product_id", "territory_id"):
        if state.get(field) is not None and names[REFERENCE_NAMES[field]] is None:
            raise ValidationError(f"there is no {field.removesuffix('_id')} with id {state[field]}")
    if names["stage_name"] is None or names["stage_probability"] is None:
        raise ValidationError(f"there is no active stage with id {state.get('stage_id')}")
    for field, label in (("amount", "an amount"), ("discount_pct", "a discount (0 for none)")):
        if state.get(field) is None:
            raise ValidationError(f"a deal needs {label}")
    if state["amount"] < 0:
        raise ValidationError("the amount cannot be negative")
    if not Decimal(0) <= state["discount_pct"] <= Decimal(100):
        raise ValidationError("the discount must be between 0 and 100 percent")
    if not Decimal(0) <= state["probability"] <= Decimal(100):
        raise ValidationError("the probability must be between 0 and 100 percent")
    if state.get("lead_rating") is not None and state["lead_rating"] not in LEAD_RATINGS:
        raise ValidationError(f"lead rating must be one of {', '.join(LEAD_RATINGS)}")
    if state["forecast_category"] not in FORECAST_CATEGORIES:
        raise ValidationError(f"forecast category must be one of {', '.join(FORECAST_CATEGORIES)}")
    created = state["created_at"].date()
    if state.get("expected_close_date") is not None and state["expected_close_date"] < created:
        raise ValidationError(
            f"the expected close date {state['expected_close_date']} is before the deal was created ({created})"
        )
    if names["stage_is_lost"] and not state.get("loss_reason"):
        raise ValidationError("a lost deal needs a loss reason")
    if (
        origin == "app"
        and sql.fetch_one(
            cur, "deals/is_rep_visible", rep_id=state["owner_rep_id"], **viewer.scope_params()
        )
        is None
    ):
        raise PermissionDenied("You can assign deals only to reps in your own scope.")


def _text(field: str, value: Any, names: dict[str, Any]) -> str | None:
    if field in REFERENCE_NAMES and value is not None:
        return names.get(REFERENCE_NAMES[field]) or str(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _event_type(
    field: str, before: dict[str, Any], after_names: dict[str, Any], before_names: dict[str, Any]
) -> str:
    if field != "stage_id":
        return "updated"
    if after_names["stage_is_won"]:
        return "won"
    if after_names["stage_is_lost"]:
        return "lost"
    if before_names["stage_is_won"] or before_names["stage_is_lost"]:
        return "reopened"
    return "stage_changed"


def _write_event(
    cur: duckdb.DuckDBPyConnection,
    opportunity_id: int,
    state: dict[str, Any],
    at: dt.datetime,
    actor: Viewer,
    origin: str,
    batch_id: int | None,
    event_type: str,
    field: str | None,
    old: str | None,
    new: str | None,
    version: int,
) -> None:
    sql.execute(
        cur,
        "deals/insert_event",
        opportunity_id=opportunity_id,
        occurred_at=at,
        actor_user_id=actor.user_id or None,
        origin=origin,
        batch_id=batch_id,
        event_type=event_type,
        field_name=field,
        old_value=old,
        new_value=new,
        stage_id=state["stage_id"],
        amount_rc=state["amount_rc"],
        probability=state["probability"],
        expected_close_date=state.get("expected_close_date"),
        owner_rep_id=state["owner_rep_id"],
        forecast_category=state["forecast_category"],
        row_version=version,
    )


def _audit(
    cur: duckdb.DuckDBPyConnection, actor: Viewer, action: str, opportunity_id: int, detail: dict
) -> None:
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=actor.user_id or None,
        action=action,
        entity="opportunities",
        entity_id=str(opportunity_id),
        detail=json.dumps(detail, default=str),
    )


def _stage_defaults(state: dict[str, Any], given: dict[str, Any], names: dict[str, Any]) -> None:
    """Probability and forecast category follow the stage unless given explicitly."""
    if "probability" not in given or given["probability"] is None:
        state["probability"] = Decimal(names["stage_probability"])
    if "forecast_category" not in given or given["forecast_category"] is None:
        state["forecast_category"] = names["stage_forecast_category"]


def _furthest(names: dict[str, Any], before: int | None) -> int:
    """The furthest open stage reached after moving to the stage in `names`."""
    if names["stage_is_won"]:
        return int(names["last_open_order"])
    if names["stage_is_lost"]:
        return before or int(names["first_open_order"])
    return max(before or 0, int(names["stage_order"]))


def create_deal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    values: dict[str, Any],
    origin: str = "app",
    batch_id: int | None = None,
    at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
    source_system: str = "app",
    external_id: str | None = None,
) -> SavedDeal:
    """Create a deal and its 'created' event; a deal that starts closed is created in its
    won/lost stage (its history before that is unknown, so none is invented)."""
    _authorise(viewer, origin)
    at = at or dt.datetime.now()
    given = _clean(values)
    if origin == "app" and viewer.role == "rep" and given.get("owner_rep_id") is None:
        given["owner_rep_id"] = viewer.rep_id
    state = {**DEFAULTS, **given, "created_at": created_at or at}
    names = _names(cur, state)
    if names["stage_probability"] is not None:
        _stage_defaults(state, given, names)
    _validate(cur, viewer, state, origin, names)
    state["amount_rc"] = _amount_rc(
        cur, state["amount"], state["currency_code"], state["created_at"].date()
    )
    closed = names["stage_is_won"] or names["stage_is_lost"]
    state["closed_at"] = at if closed else None
    row = sql.fetch_one(
        cur,
        "deals/insert_deal",
        **{field: state.get(field) for field in FIELDS},
        amount_rc=state["amount_rc"],
        created_at=state["created_at"],
        closed_at=state["closed_at"],
        source_system=source_system,
        external_id=external_id,
        updated_at=at,
        updated_by=viewer.user_id or None,
        furthest_stage_order=_furthest(names, None),
    )
    opportunity_id = int(row["opportunity_id"])
    _write_event(
        cur,
        opportunity_id,
        state,
        state["created_at"],
        viewer,
        origin,
        batch_id,
        "created",
        None,
        None,
        names["stage_name"],
        1,
    )
    _audit(cur, viewer, "create", opportunity_id, {"origin": origin, "batch_id": batch_id})
    return SavedDeal(opportunity_id, 1, 1)


def get_deal(cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int) -> dict[str, Any]:
    """One deal the viewer may see, as a dict (NotFoundError otherwise)."""
    row = sql.fetch_one(
        cur, "deals/get_deal", opportunity_id=opportunity_id, **viewer.scope_params()
    )
    if row is None:
        raise NotFoundError(f"There is no deal {opportunity_id} that you can see.")
    return row


def update_deal(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    opportunity_id: int,
    expected_version: int,
    changes: dict[str, Any],
    origin: str = "app",
    batch_id: int | None = None,
    at: dt.datetime | None = None,
) -> SavedDeal:
    """Apply field changes to a deal at `expected_version`; one event per changed field."""
    _authorise(viewer, origin)
    at = at or dt.datetime.now()
    if origin == "app":
        current = get_deal(cur, viewer, opportunity_id)
    else:
        current = sql.fetch_one(
            cur,
            "deals/get_deal",
            opportunity_id=opportunity_id,
            scope_kind="all",
            scope_rep_id=None,
            scope_team_id=None,
        )
        if current is None:
            raise NotFoundError(f"There is no deal {opportunity_id}.")
    if int(current["row_version"]) != int(expected_version):
        raise _conflict(cur, opportunity_id, expected_version, current)
    given = _clean(changes)
    before = {field: current[field] for field in FIELDS}
    before["amount"] = Decimal(before["amount"])
    before["discount_pct"] = Decimal(before["discount_pct"])
    before["probability"] = Decimal(before["probability"])
    changed = [field for field in FIELDS if field in given and given[field] != before[field]]
    if not changed:
        return SavedDeal(opportunity_id, int(current["row_version"]), 0)
    state = {**before, **given, "created_at": current["created_at"]}
    before_names = _names(cur, before)
    names = _names(cur, state)
    if "stage_id" in changed and names["stage_probability"] is not None:
        _stage_defaults(state, given, names)
    if not names["stage_is_lost"]:
        state["loss_reason"] = None  # only a lost deal has a loss reason
    _validate(cur, viewer, state, origin, names)
    state["amount_rc"] = _amount_rc(
        cur, state["amount"], state["currency_code"], state["created_at"].date()
    )
    was_closed = bool(before_names["stage_is_won"] or before_names["stage_is_lost"])
    is_closed = bool(names["stage_is_won"] or names["stage_is_lost"])
    state["closed_at"] = (current["closed_at"] if was_closed else at) if is_closed else None
    if "stage_id" in changed and was_closed and is_closed:
        state["closed_at"] = at
    changed = [field for field in FIELDS if state.get(field) != before[field]]
    row = sql.fetch_one(
        cur,
        "deals/update_deal",
        opportunity_id=opportunity_id,
        expected_version=expected_version,
        **{field: state.get(field) for field in FIELDS},
        amount_rc=state["amount_rc"],
        closed_at=state["closed_at"],
        updated_at=at,
        updated_by=viewer.user_id or None,
        furthest_stage_order=_furthest(names, current["furthest_stage_order"]),
    )
    if row is None:
        raise _conflict(cur, opportunity_id, expected_version, None)
    version = int(row["row_version"])
    # one event per changed field, each carrying the state after it
    running = {
        **before,
        "amount_rc": Decimal(current["amount_rc"]),
        "forecast_category": current["forecast_category"],
    }
    for field in changed:
        running[field] = state[field]
        if field in ("amount", "currency_code"):
            running["amount_rc"] = state["amount_rc"]
        if field == "stage_id":
            running["probability"] = state["probability"]
            running["forecast_category"] = state["forecast_category"]
        _write_event(
            cur,
            opportunity_id,
            running,
            at,
            viewer,
            origin,
            batch_id,
            _event_type(field, before, names, before_names),
            field.removesuffix("_id") if field in REFERENCE_NAMES else field,
            _text(field, before[field], before_names),
            _text(field, state[field], names),
            version,
        )
    _audit(
        cur,
        viewer,
        "update",
        opportunity_id,
        {"origin": origin, "batch_id": batch_id, "fields": changed, "version": version},
    )
    return SavedDeal(opportunity_id, version, len(changed))


def _conflict(
    cur: duckdb.DuckDBPyConnection,
    opportunity_id: int,
    expected_version: int,
    current: dict[str, Any] | None,
) -> ConflictError:
    meanwhile = sql.fetch_df(
        cur, "deals/list_events", opportunity_id=opportunity_id, after_version=expected_version
    )
    who = ", ".join(sorted(set(meanwhile["changed_by"].dropna()))) or "someone else"
    labels = [FIELD_LABELS.get(name, name) for name in meanwhile["field_name"].dropna()]
    fields = ", ".join(dict.fromkeys(labels)) or "the deal"
    return ConflictError(
        f"{who} changed {fields} of this deal after you opened it. Your edit was not saved; "
        "look at what changed, then apply your edit again.",
        meanwhile,
        current or {},
    )


def list_events(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, opportunity_id: int
) -> pd.DataFrame:
    """The whole history of a deal the viewer may see, oldest first."""
    get_deal(cur, viewer, opportunity_id)
    return sql.fetch_df(cur, "deals/list_events", opportunity_id=opportunity_id, after_version=None)
