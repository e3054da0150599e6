"""The set-based path for large deal files: the same rows and events as dashboard.deals, fast.

Row by row, dashboard.deals costs several statements per deal (about 12 ms), far too slow for
a million rows. Here:

* new deals are staged once (one Arrow table) and worked out in SQL
  (queries/imports/stage_new_deals.sql): stage defaults, closed_at, furthest stage and the
  reason a deal cannot be created, with create_deal's checks in its order and words; then one
  insert each writes the deals, their 'created' events and their audit rows;
* deals that exist already are compared in memory with the rules of update_deal — its own
  helpers for cleaning, defaults, validation, event types and texts — using the current state
  of all of them read in one query; changed ones are written with one update, one insert of
  snapshots, events and audit rows.

Ids are drawn from the same sequences in the same order (file order) as row-by-row writes
would draw them, so both paths leave identical tables, ids and history included
(tests/unit/test_import_bulk.py proves it on made-up and on real exports).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa

from dashboard import deals, sql
from dashboard.errors import DomainError, ValidationError
from dashboard.importing.loading import (
    Context,
    DealPlan,
    DealRow,
    Progress,
    _insert_changes,
    _outcome,
    _registered,
    _reject,
    create_time,
    event_time,
    reserve_ids,
)
from dashboard.importing.tables import RawTable

MONEY = pa.decimal128(18, 2)
PERCENT = pa.decimal128(5, 2)
OPPORTUNITY_TYPES = {
    "opportunity_id": pa.int64(),
    "opportunity_name": pa.string(),
    "account_id": pa.int32(),
    "owner_rep_id": pa.int32(),
    "product_id": pa.int32(),
    "territory_id": pa.int32(),
    "stage_id": pa.int32(),
    "lead_rating": pa.string(),
    "lead_source": pa.string(),
    "amount": MONEY,
    "currency_code": pa.string(),
    "amount_rc": MONEY,
    "probability": PERCENT,
    "forecast_category": pa.string(),
    "expected_close_date": pa.date32(),
    "created_at": pa.timestamp("us"),
    "closed_at": pa.timestamp("us"),
    "loss_reason": pa.string(),
    "discount_pct": PERCENT,
    "next_step": pa.string(),
    "is_recurring": pa.bool_(),
    "source_system": pa.string(),
    "external_id": pa.string(),
    "row_version": pa.int32(),
    "updated_at": pa.timestamp("us"),
    "updated_by": pa.int32(),
    "furthest_stage_order": pa.int32(),
}
EVENT_TYPES = {
    "event_id": pa.int64(),
    "opportunity_id": pa.int64(),
    "occurred_at": pa.timestamp("us"),
    "actor_user_id": pa.int32(),
    "origin": pa.string(),
    "batch_id": pa.int32(),
    "event_type": pa.string(),
    "field_name": pa.string(),
    "old_value": pa.string(),
    "new_value": pa.string(),
    "stage_id": pa.int32(),
    "amount_rc": MONEY,
    "probability": PERCENT,
    "expected_close_date": pa.date32(),
    "owner_rep_id": pa.int32(),
    "forecast_category": pa.string(),
    "row_version": pa.int32(),
}
AUDIT_TYPES = {
    "audit_id": pa.int64(),
    "user_id": pa.int32(),
    "action": pa.string(),
    "entity": pa.string(),
    "entity_id": pa.string(),
    "detail": pa.string(),
}


class Lookups:
    """Everything dashboard.deals reads per row, read once: names, stage defaults, fx rates."""

    def __init__(self, context: Context):
        cur = context.cur
        self.stages = {row["stage_id"]: row for row in sql.fetch_all(cur, "imports/list_stages")}
        open_orders = [
            row["sort_order"]
            for row in sql.fetch_all(cur, "imports/list_all_stages")
            if row["is_active"] and not row["is_won"] and not row["is_lost"]
        ]
        self.last_open = max(open_orders) if open_orders else None
        self.first_open = min(open_orders) if open_orders else None
        self.all_stages = {
            row["stage_id"]: row for row in sql.fetch_all(cur, "imports/list_all_stages")
        }
        names = sql.fetch_all(cur, "imports/list_reference_names")
        self.names: dict[str, dict[int, str]] = {}
        for row in names:
            self.names.setdefault(row["kind"], {})[int(row["id"])] = row["name"]
        self.fx: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for rate in sql.fetch_all(cur, "imports/list_fx_rates"):
            self.fx.setdefault(rate["currency_code"], []).append(
                (rate["rate_date"], rate["rate_to_reporting"])
            )

    def reference_names(self, state: dict[str, Any]) -> dict[str, Any]:
        """The same dict as deals/get_reference_names for this state."""
        stage = self.all_stages.get(state.get("stage_id"))
        return {
            "stage_name": stage["stage_name"] if stage else None,
            "stage_probability": stage["default_probability"]
            if stage and stage["is_active"]
            else None,
            "stage_forecast_category": stage["forecast_category"] if stage else None,
            "stage_is_won": stage["is_won"] if stage else None,
            "stage_is_lost": stage["is_lost"] if stage else None,
            "stage_order": stage["sort_order"] if stage else None,
            "last_open_order": self.last_open,
            "first_open_order": self.first_open,
            "owner_name": self.names.get("rep", {}).get(state.get("owner_rep_id")),
            "account_name": self.names.get("account", {}).get(state.get("account_id")),
            "product_name": self.names.get("product", {}).get(state.get("product_id")),
            "territory_name": self.names.get("territory", {}).get(state.get("territory_id")),
        }

    def amount_rc(self, amount: Decimal, currency: str, on: dt.date) -> Decimal:
        """As deals._amount_rc: the amount in the reporting currency at the latest rate."""
        if currency == deals.REPORTING_CURRENCY:
            return amount
        rates = [rate for day, rate in self.fx.get(currency, []) if day <= on]
        if not rates:
            raise ValidationError(
                f"there is no exchange rate for {currency} on or before {on}; add one first"
            )
        return round(amount * Decimal(rates[-1]), 2)


class Writes:
    """The changes to existing deals, gathered in file order, then written set-based."""

    def __init__(self) -> None:
        self.updated_deals: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.audits: list[dict[str, Any]] = []


def _event(
    state: dict[str, Any],
    at: dt.datetime,
    context: Context,
    event_type: str,
    field: str | None,
    old: str | None,
    new: str | None,
    version: int,
) -> dict[str, Any]:
    return {
        "occurred_at": at,
        "actor_user_id": context.viewer.user_id or None,
        "origin": "import",
        "batch_id": context.batch_id,
        "event_type": event_type,
        "field_name": field,
        "old_value": old,
        "new_value": new,
        "stage_id": state["stage_id"],
        "amount_rc": state["amount_rc"],
        "probability": state["probability"],
        "expected_close_date": state.get("expected_close_date"),
        "owner_rep_id": state["owner_rep_id"],
        "forecast_category": state["forecast_category"],
        "row_version": version,
    }


# a file row to load, typed as the deal field it becomes
INPUT_TYPES = {
    "seq": pa.int64(),
    **{
        name: OPPORTUNITY_TYPES[name]
        for name in (
            "opportunity_name",
            "account_id",
            "owner_rep_id",
            "product_id",
            "territory_id",
            "stage_id",
            "lead_rating",
            "lead_source",
            "amount",
            "currency_code",
            "amount_rc",
        )
    },
    "given_probability": OPPORTUNITY_TYPES["probability"],
    "given_forecast_category": OPPORTUNITY_TYPES["forecast_category"],
    **{
        name: OPPORTUNITY_TYPES[name]
        for name in (
            "expected_close_date",
            "created_at",
            "loss_reason",
            "discount_pct",
            "next_step",
            "is_recurring",
            "external_id",
        )
    },
    "event_at": pa.timestamp("us"),
}
ID_TYPES = {
    "seq": pa.int64(),
    "opportunity_id": pa.int64(),
    "event_id": pa.int64(),
    "audit_id": pa.int64(),
}


def stage_create(
    context: Context, lookups: Lookups, row: DealRow, seq: int, staged: dict[str, list]
) -> None:
    """Add a new deal's cleaned values (as create_deal's state before defaults) to the stage."""
    values = row.values
    at = create_time(context, row)
    amount = values.get("amount", deals.DEFAULTS["amount"])
    currency = values.get("currency_code") or deals.REPORTING_CURRENCY
    created = row.created_at or at
    try:
        amount_rc = lookups.amount_rc(amount, currency, created.date())
    except ValidationError:
        amount_rc = None
    state = {**deals.DEFAULTS, **values}
    fields = {
        "seq": seq,
        "opportunity_name": state["opportunity_name"],
        "account_id": state["account_id"],
        "owner_rep_id": state["owner_rep_id"],
        "product_id": state["product_id"],
        "territory_id": state["territory_id"],
        "stage_id": state["stage_id"],
        "lead_rating": state["lead_rating"],
        "lead_source": state["lead_source"],
        "amount": amount,
        "currency_code": currency,
        "amount_rc": amount_rc,
        "given_probability": values.get("probability"),
        "given_forecast_category": values.get("forecast_category"),
        "expected_close_date": state["expected_close_date"],
        "created_at": created,
        "loss_reason": state["loss_reason"],
        "discount_pct": state["discount_pct"],
        "next_step": state["next_step"],
        "is_recurring": bool(state["is_recurring"]),
        "external_id": row.key,
        "event_at": at,
    }
    for name, value in fields.items():
        staged[name].append(value)


def _same_as_before(values: dict[str, Any], before: dict[str, Any]) -> bool:
    """True when every given value equals the deal's and is already in the form
    deals._clean gives it (trimmed, non-empty text; upper-case currency): then cleaning
    changes nothing either, and update_deal would find no change."""
    for field, value in values.items():
        if value != before[field]:
            return False
        if isinstance(value, str) and (not value or value != value.strip()):
            return False
        if field == "currency_code" and value != value.upper():
            return False
    return True


def plan_update(
    context: Context,
    lookups: Lookups,
    row: DealRow,
    current: dict[str, Any],
    existing: dict[str, Any],
    writes: Writes,
) -> int:
    """As deals.update_deal: the new state and one event per changed field; returns events."""
    at = event_time(context, row, existing)
    opportunity_id = int(current["opportunity_id"])
    if int(current["row_version"]) != int(existing["row_version"]):
        raise ValidationError("the deal changed while the file was being loaded")
    before = {field: current[field] for field in deals.FIELDS}
    before["amount"] = Decimal(before["amount"])
    before["discount_pct"] = Decimal(before["discount_pct"])
    before["probability"] = Decimal(before["probability"])
    if _same_as_before(row.values, before):
        return 0  # what update_deal finds too: nothing changed, nothing written
    given = deals._clean(row.values)
    changed = [field for field in deals.FIELDS if field in given and given[field] != before[field]]
    if not changed:
        return 0
    state = {**before, **given, "created_at": current["created_at"]}
    before_names = lookups.reference_names(before)
    names = lookups.reference_names(state)
    if "stage_id" in changed and names["stage_probability"] is not None:
        deals._stage_defaults(state, given, names)
    if not names["stage_is_lost"]:
        state["loss_reason"] = None
    deals._validate(None, context.viewer, state, "import", names)
    state["amount_rc"] = lookups.amount_rc(
        state["amount"], state["currency_code"], state["created_at"].date()
    )
    was_closed = bool(before_names["stage_is_won"] or before_names["stage_is_lost"])
    is_closed = bool(names["stage_is_won"] or names["stage_is_lost"])
    state["closed_at"] = (current["closed_at"] if was_closed else at) if is_closed else None
    if "stage_id" in changed and was_closed and is_closed:
        state["closed_at"] = at
    changed = [field for field in deals.FIELDS if state.get(field) != before[field]]
    version = int(current["row_version"]) + 1
    deal = {field: state.get(field) for field in deals.FIELDS}
    deal.update(
        opportunity_id=opportunity_id,
        amount_rc=state["amount_rc"],
        closed_at=state["closed_at"],
        row_version=version,
        updated_at=at,
        updated_by=context.viewer.user_id or None,
        furthest_stage_order=deals._furthest(names, current["furthest_stage_order"]),
    )
    writes.updated_deals.append(deal)
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
        event = _event(
            running,
            at,
            context,
            deals._event_type(field, before, names, before_names),
            field.removesuffix("_id") if field in deals.REFERENCE_NAMES else field,
            deals._text(field, before[field], before_names),
            deals._text(field, state[field], names),
            version,
        )
        event["opportunity_id"] = opportunity_id
        writes.events.append(event)
    writes.audits.append(
        {
            "opportunity_id": opportunity_id,
            "action": "update",
            "detail": json.dumps(
                {
                    "origin": "import",
                    "batch_id": context.batch_id,
                    "fields": changed,
                    "version": version,
                },
                default=str,
            ),
        }
    )
    return len(changed)


def _arrow(rows: list[dict[str, Any]], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table(
        {name: pa.array([row.get(name) for row in rows], kind) for name, kind in types.items()}
    )


def write_deals_bulk(
    context: Context,
    table: RawTable,
    plan: DealPlan,
    rows: list[DealRow],
    progress: Progress | None,
) -> None:
    """Load prepared deal rows set-based, with exactly the writes of the row-by-row path."""
    cur = context.cur
    lookups = Lookups(context)
    updating = [plan.existing[row.key] for row in rows if row.key in plan.existing]
    current = _current_deals(context, [int(item["opportunity_id"]) for item in updating])
    writes = Writes()
    staged: dict[str, list] = {name: [] for name in INPUT_TYPES}
    # per row, in file order: ("create", seq) or ("update", opportunity_id, events) or None
    plans: list[tuple | None] = []
    step = max(1, len(rows) // 20)
    for position, row in enumerate(rows):
        if progress and position % step == 0:
            progress(
                0.6 * position / max(1, len(rows)),
                f"Checking deals: row {position:,} of {len(rows):,}",
            )
        existing = plan.existing.get(row.key)
        if existing is None:
            stage_create(context, lookups, row, position, staged)
            plans.append(("create", position))
            continue
        opportunity_id = int(existing["opportunity_id"])
        try:
            events = plan_update(context, lookups, row, current[opportunity_id], existing, writes)
        except DomainError as error:
            _reject(context, table, row.record, str(error))
            plans.append(None)
            continue
        plans.append(("update", opportunity_id, events))
    if progress:
        progress(0.6, "Checking new deals")
    reasons: dict[int, str | None] = {}
    if staged["seq"]:
        with _registered(
            cur,
            "import_deals_input_stage",
            pa.table(
                {name: pa.array(values, INPUT_TYPES[name]) for name, values in staged.items()}
            ),
        ):
            sql.execute(cur, "imports/stage_new_deals")
        reasons = dict(sql.execute(cur, "imports/list_new_deal_reasons").fetchall())
    created = [seq for seq, reason in reasons.items() if reason is None]
    update_events = sum(item[2] for item in plans if item and item[0] == "update")
    updates = sum(1 for item in plans if item and item[0] == "update" and item[2])
    new_ids = iter(reserve_ids(cur, "seq_opportunities", len(created)))
    event_ids = iter(reserve_ids(cur, "seq_opportunity_events", len(created) + update_events))
    audit_ids = iter(reserve_ids(cur, "seq_audit_log", len(created) + updates))
    ids: dict[str, list[int]] = {name: [] for name in ID_TYPES}
    update_event_ids: list[int] = []
    update_audit_ids: list[int] = []
    changes: dict[str, tuple[list[int], list[int]]] = {"created": ([], []), "updated": ([], [])}
    for row, item in zip(rows, plans, strict=True):
        if item is None:
            continue
        if item[0] == "create":
            reason = reasons[item[1]]
            if reason is not None:
                _reject(context, table, row.record, reason)
                continue
            opportunity_id = next(new_ids)
            for name, value in (
                ("seq", item[1]),
                ("opportunity_id", opportunity_id),
                ("event_id", next(event_ids)),
                ("audit_id", next(audit_ids)),
            ):
                ids[name].append(value)
            changes["created"][0].append(opportunity_id)
            changes["created"][1].append(row.record.row_number)
            _outcome(context, row.record, "new", row.key, opportunity_id, row.note)
            continue
        _, opportunity_id, events = item
        if events:
            update_event_ids.extend(next(event_ids) for _ in range(events))
            update_audit_ids.append(next(audit_ids))
            changes["updated"][0].append(opportunity_id)
            changes["updated"][1].append(row.record.row_number)
        _outcome(
            context,
            row.record,
            "updated" if events else "unchanged",
            row.key,
            opportunity_id,
            row.note,
        )
    if progress:
        progress(0.7, "Writing deals")
    if ids["seq"]:
        with _registered(
            cur,
            "import_new_deal_ids_stage",
            pa.table({name: pa.array(values, ID_TYPES[name]) for name, values in ids.items()}),
        ):
            viewer_id = context.viewer.user_id or None
            sql.execute(
                cur,
                "imports/insert_new_deals",
                source_system=context.mapping.source_system,
                updated_by=viewer_id,
            )
            sql.execute(
                cur,
                "imports/insert_new_deal_events",
                actor_user_id=viewer_id,
                batch_id=context.batch_id,
            )
            sql.execute(
                cur, "imports/insert_new_deal_audits", user_id=viewer_id, batch_id=context.batch_id
            )
    if staged["seq"]:
        sql.execute(cur, "imports/drop_new_deals")
    _write_updates(context, writes, update_event_ids, update_audit_ids)
    for action, (entity_ids, row_numbers) in changes.items():
        _insert_changes(context, "opportunity", entity_ids, action, row_numbers)
    if progress:
        progress(1.0, "Deals loaded")


def _current_deals(context: Context, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    stage = pa.table({"opportunity_id": pa.array(ids, pa.int64())})
    with _registered(context.cur, "import_deal_ids_stage", stage):
        rows = sql.fetch_all(context.cur, "imports/list_deals_by_ids")
    return {int(row["opportunity_id"]): row for row in rows}


def _write_updates(
    context: Context, writes: Writes, event_ids: list[int], audit_ids: list[int]
) -> None:
    cur = context.cur
    if not writes.updated_deals:
        return
    for event, event_id in zip(writes.events, event_ids, strict=True):
        event["event_id"] = event_id
    for audit, audit_id in zip(writes.audits, audit_ids, strict=True):
        audit.update(
            audit_id=audit_id,
            user_id=context.viewer.user_id or None,
            entity="opportunities",
            entity_id=str(audit["opportunity_id"]),
        )
    ids = pa.table(
        {
            "opportunity_id": pa.array(
                [deal["opportunity_id"] for deal in writes.updated_deals], pa.int64()
            )
        }
    )
    with _registered(cur, "import_deal_ids_stage", ids):
        sql.execute(cur, "imports/snapshot_deals", batch_id=context.batch_id)
    with _registered(
        cur, "import_deal_updates_stage", _arrow(writes.updated_deals, OPPORTUNITY_TYPES)
    ):
        sql.execute(cur, "imports/update_deals")
    with _registered(cur, "import_events_stage", _arrow(writes.events, EVENT_TYPES)):
        sql.execute(cur, "imports/insert_events")
    with _registered(cur, "import_audit_stage", _arrow(writes.audits, AUDIT_TYPES)):
        sql.execute(cur, "imports/insert_audits")
