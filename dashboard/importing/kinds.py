"""Loading the kinds of records other than deals: accounts (upserted, with snapshots for
undo), reps and their teams, products, order lines and returns. Each writes only through
queries/imports, lists what it created or changed in import_changes, and reports every file
row as new, updated, unchanged or rejected with the reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard import deals, sql
from dashboard.errors import ValidationError
from dashboard.importing.loading import (
    Context,
    Progress,
    _child_team,
    _company_root,
    _create_product,
    _create_rep,
    _insert_accounts,
    _insert_changes,
    _join,
    _money,
    _outcome,
    _registered,
    _reject,
    name_key,
    product_key,
    reserve_ids,
    resolve_rep_team,
)
from dashboard.importing.mapping import owner_key, propose_owner_map
from dashboard.importing.records import Record
from dashboard.importing.tables import RawTable


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value)


def _records_to_load(
    context: Context,
    table: RawTable,
    records: list[Record],
    required: tuple[tuple[str, str], ...] = (),
) -> Iterator[Record]:
    """The records to load: those that could not be read, or that lack a required (field,
    label), are rejected with the reason."""
    for record in records:
        if record.error:
            _reject(context, table, record, record.error)
            continue
        missing = [label for name, label in required if _is_blank(record.values.get(name))]
        if missing:
            _reject(context, table, record, "the row has no " + " and no ".join(missing))
            continue
        yield record


def _insert_created(
    context: Context,
    entity: str,
    ids: list[int],
    rows: list[int | None],
    stage_name: str,
    stage: pa.Table,
    query: str,
) -> None:
    """Insert the staged rows with one query and list them as created by the batch."""
    with _registered(context.cur, stage_name, stage):
        sql.execute(context.cur, query)
    _insert_changes(context, entity, ids, "created", rows)


# ---------------------------------------------------------------- accounts


ACCOUNT_FIELDS = (
    "account_name",
    "industry",
    "employee_count",
    "owner_rep_id",
    "credit_limit",
    "billing_country",
    "billing_state",
    "external_id",
)


def load_accounts(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    mapping, cur = context.mapping, context.cur
    existing = sql.fetch_all(cur, "imports/list_accounts")
    by_key = {
        (row["source_system"], row["external_id"]): row for row in existing if row["external_id"]
    }
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in existing:
        by_name.setdefault(name_key(row["account_name"]), []).append(row)
    owners = [str(r.values["owner"]) for r in records if r.values.get("owner")]
    owner_map = propose_owner_map(context.reps, list(dict.fromkeys(owners)), mapping.owner_map)
    new: list[dict[str, Any]] = []
    new_records: list[Record] = []
    seen: dict[str, int] = {}
    for record in _records_to_load(context, table, records):
        values = record.values
        if values.get("is_deleted"):
            _reject(context, table, record, "the account is marked deleted in the source system")
            continue
        name = values.get("account_name")
        if not name:
            _reject(context, table, record, "the row has no account name")
            continue
        external = values.get("external_id")
        key = external or name_key(name)
        if key in seen:
            _reject(
                context,
                table,
                record,
                f"the same account is also on row {seen[key]}; a file may hold each account once",
            )
            continue
        seen[key] = record.row_number
        wanted: dict[str, Any] = {"account_name": name}
        for source_field in ("industry", "billing_country", "billing_state", "employee_count"):
            if mapping.mapped(source_field):
                wanted[source_field] = values.get(source_field)
        if mapping.mapped("credit_limit"):
            wanted["credit_limit"] = _money(values.get("credit_limit"))
        note = None
        if mapping.mapped("owner") and values.get("owner"):
            rep_id = owner_map.get(str(values["owner"]))
            if rep_id is None:
                note = f"owner {values['owner']!r} is not a rep: the account has no owner"
            wanted["owner_rep_id"] = rep_id
        if external:
            wanted["external_id"] = external
        current = by_key.get((mapping.source_system, external)) if external else None
        if current is None:
            matches = by_name.get(name_key(name), [])
            matches = [
                match
                for match in matches
                if not external
                or not match["external_id"]
                or match["source_system"] != mapping.source_system
            ]
            if len(matches) > 1:
                _reject(context, table, record, f"{len(matches)} accounts are called {name!r}")
                continue
            current = matches[0] if matches else None
        if current is None:
            new.append({**wanted, "row_number": record.row_number})
            new_records.append(record)
            continue
        changed = {
            key_: value for key_, value in wanted.items() if _differs(current.get(key_), value)
        }
        if not changed:
            _outcome(context, record, "unchanged", str(key), int(current["account_id"]), note)
            continue
        merged = {name_: current.get(name_) for name_ in ACCOUNT_FIELDS}
        merged.update(changed)
        sql.execute(
            cur,
            "imports/snapshot_account",
            batch_id=context.batch_id,
            account_id=int(current["account_id"]),
        )
        sql.execute(
            cur,
            "imports/update_account",
            account_id=int(current["account_id"]),
            **{name_: _plain(merged[name_]) for name_ in ACCOUNT_FIELDS},
        )
        context.change("account", int(current["account_id"]), "updated", record.row_number)
        _outcome(context, record, "updated", str(key), int(current["account_id"]), note)
    ids = _insert_accounts(context, new)
    for record, account_id, item in zip(new_records, ids, new, strict=True):
        _outcome(
            context, record, "new", item.get("external_id") or item["account_name"], account_id
        )
    if progress:
        progress(1.0, "Accounts loaded")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NA:
        return None
    return value


def _differs(current: Any, wanted: Any) -> bool:
    current = _plain(current)
    if current is None or wanted is None:
        return (current is None) != (wanted is None)
    if isinstance(wanted, Decimal) or isinstance(current, Decimal):
        return Decimal(str(current)) != Decimal(str(wanted))
    if isinstance(wanted, int):
        return int(current) != wanted
    return str(current) != str(wanted)


# ---------------------------------------------------------------- reps and products


def load_reps(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    known = propose_owner_map(
        context.reps,
        list(dict.fromkeys(str(r.values["rep_name"]) for r in records if r.values.get("rep_name"))),
        {},
    )
    by_email = {
        str(row.email).casefold(): int(row.rep_id)
        for row in context.reps.itertuples()
        if isinstance(row.email, str) and row.email
    }
    default_team: int | None = None
    seen: dict[str, int] = {}
    for record in _records_to_load(context, table, records, (("rep_name", "rep name"),)):
        values = record.values
        name = values["rep_name"]
        email = (values.get("email") or "").strip().lower() or None
        key = email or owner_key(name)
        if key in seen:
            _outcome(
                context, record, "unchanged", name, seen[key], "the same rep is on an earlier row"
            )
            continue
        existing = by_email.get(email) if email else None
        existing = existing or known.get(str(name))
        if existing is not None:
            seen[key] = existing
            _outcome(context, record, "unchanged", name, existing, "already a rep: not moved")
            continue
        try:
            parent = _company_root(context)
            region, team = values.get("region"), values.get("team")
            if region:
                parent = _child_team(context, str(region), parent, "region", record.row_number)
            if team:
                team_id = _child_team(context, str(team), parent, "team", record.row_number)
            elif region:
                team_id = parent
            else:
                if default_team is None:
                    default_team = resolve_rep_team(context)
                team_id = default_team
            rep_id = _create_rep(
                context,
                str(name),
                email,
                team_id,
                record.row_number,
                values.get("hire_date"),
                _money(values.get("base_salary")),
            )
        except ValidationError as error:
            _reject(context, table, record, str(error))
            continue
        seen[key] = rep_id
        _outcome(context, record, "new", name, rep_id)
    if progress:
        progress(1.0, "Reps loaded")


def load_products(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    products = sql.fetch_df(context.cur, "imports/list_products")
    by_key: dict[str, int] = {}
    for row in products.itertuples():
        by_key.setdefault(product_key(row.product_name), int(row.product_id))
    for record in _records_to_load(context, table, records, (("product_name", "product name"),)):
        values = record.values
        name = values["product_name"]
        price = values.get("list_price")
        if price is not None and price < 0:
            _reject(context, table, record, "the list price cannot be negative")
            continue
        found = by_key.get(product_key(name))
        if found is not None:
            _outcome(context, record, "unchanged", name, found, "already a product")
            continue
        try:
            product_id = _create_product(
                context,
                str(name),
                values.get("sku"),
                values.get("family"),
                price,
                record.row_number,
            )
        except ValidationError as error:
            _reject(context, table, record, str(error))
            continue
        by_key[product_key(name)] = product_id
        _outcome(context, record, "new", name, product_id)
    if progress:
        progress(1.0, "Products loaded")


# ---------------------------------------------------------------- orders and returns

ORDER_KEY_FIELDS = ("order_date", "currency")  # a line that disagrees on these is refused
ORDER_FIELDS = (
    ("order_date", "order date"),
    ("ship_date", "ship date"),
    ("ship_mode", "ship mode"),
    ("customer_name", "customer"),
    ("segment", "segment"),
    ("country", "country"),
    ("state", "state"),
    ("city", "city"),
    ("postal_code", "postal code"),
    ("region", "region"),
    ("currency", "currency"),
)
LINE_FIELDS = ("product_name", "category", "quantity", "unit_price", "discount", "sales", "profit")
ORDER_COLUMNS = {"segment": "segment_name", "currency": "currency_code"}
LINE_COLUMNS = {"discount": "discount_pct", "sales": "sales_amount"}


def _order_values(values: dict[str, Any]) -> dict[str, Any]:
    order = {name: values.get(name) for name, _ in ORDER_FIELDS}
    order["currency"] = (order["currency"] or deals.REPORTING_CURRENCY).upper()
    for name in (
        "ship_mode",
        "customer_name",
        "segment",
        "country",
        "state",
        "city",
        "postal_code",
        "region",
    ):
        if order[name] is not None:
            order[name] = str(order[name])
    return order


def _line_values(values: dict[str, Any]) -> dict[str, Any]:
    line = {name: values.get(name) for name in LINE_FIELDS}
    four = Decimal("0.0001")
    for name in ("quantity", "unit_price", "sales", "profit"):
        if line[name] is not None:
            line[name] = line[name].quantize(four, rounding=ROUND_HALF_EVEN)
    discount = line["discount"]
    line["discount"] = (
        (discount / 100).quantize(four, rounding=ROUND_HALF_EVEN)
        if discount is not None
        else Decimal("0.0000")
    )
    return line


def load_orders(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    mapping = context.mapping
    existing = sql.fetch_all(
        context.cur, "imports/list_source_orders", source_system=mapping.source_system
    )
    orders: dict[str, dict[str, Any]] = {}
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for row in existing:
        key = str(row["order_external_id"])
        if key not in orders:
            orders[key] = {
                "order_id": int(row["order_id"]),
                "external_id": key,
                "row_number": None,
                **{name: row[ORDER_COLUMNS.get(name, name)] for name, _ in ORDER_FIELDS},
            }
        if row["line_external_id"] is not None:
            lines[(key, row["line_external_id"])] = {
                "order_line_id": int(row["order_line_id"]),
                **{name: row[LINE_COLUMNS.get(name, name)] for name in LINE_FIELDS},
            }
    new_orders: list[dict[str, Any]] = []
    new_lines: list[dict[str, Any]] = []
    positions: Counter = Counter()
    mixed: set[str] = set()
    required = (
        ("order_external_id", "order id"),
        ("order_date", "order date"),
        ("quantity", "quantity"),
        ("sales", "sales amount"),
    )
    for record in _records_to_load(context, table, records, required):
        values = record.values
        order_key = str(values["order_external_id"])
        positions[order_key] += 1
        line_key = str(values.get("line_external_id") or f"{order_key}#{positions[order_key]}")
        order = _order_values(values)
        line = _line_values(values)
        if line["quantity"] < 0:
            _reject(context, table, record, "the quantity cannot be negative")
            continue
        if order["ship_date"] is not None and order["ship_date"] < order["order_date"]:
            _reject(
                context,
                table,
                record,
                f"shipped ({order['ship_date']}) before it was ordered ({order['order_date']})",
            )
            continue
        current = orders.get(order_key)
        note = None
        if current is not None:
            where = f"row {current['row_number']}" if current["row_number"] else "an earlier import"
            clash = [
                label
                for name, label in ORDER_FIELDS
                if name in ORDER_KEY_FIELDS and _differs(current.get(name), order[name])
            ]
            if clash:
                _reject(
                    context,
                    table,
                    record,
                    f"order {order_key} has a different {clash[0]} on {where}",
                )
                continue
            differs = [
                label
                for name, label in ORDER_FIELDS
                if name not in ORDER_KEY_FIELDS and _differs(current.get(name), order[name])
            ]
            if differs:
                note = (
                    f"{', '.join(differs)} differ from the order's first line ({where}); the "
                    "order keeps that line's"
                )
                mixed.add(order_key)
        known = lines.get((order_key, line_key))
        if known is not None:
            if known.get("order_line_id") is None:
                _reject(
                    context, table, record, f"line {line_key} is also on row {known['row_number']}"
                )
                continue
            differs = [name for name in LINE_FIELDS if _differs(known.get(name), line[name])]
            if differs:
                _reject(
                    context,
                    table,
                    record,
                    f"line {line_key} of order {order_key} was loaded before with a different "
                    f"{differs[0].replace('_', ' ')}; undo that batch to load a corrected file",
                )
            else:
                _outcome(context, record, "unchanged", line_key, known["order_line_id"], note)
            continue
        if current is None:
            current = {
                "order_id": None,
                "external_id": order_key,
                "row_number": record.row_number,
                **order,
            }
            orders[order_key] = current
            new_orders.append(current)
        lines[(order_key, line_key)] = {
            "order_line_id": None,
            "row_number": record.row_number,
            **line,
        }
        new_lines.append(
            {"order": current, "line_key": line_key, "record": record, "note": note, **line}
        )
    order_ids = reserve_ids(context.cur, "seq_orders", len(new_orders))
    for order, order_id in zip(new_orders, order_ids, strict=True):
        order["order_id"] = order_id
    line_ids = reserve_ids(context.cur, "seq_order_lines", len(new_lines))
    if new_orders:
        stage = pa.table(
            {
                "order_id": pa.array(order_ids, pa.int64()),
                "order_date": pa.array([o["order_date"] for o in new_orders], pa.date32()),
                "ship_date": pa.array([o["ship_date"] for o in new_orders], pa.date32()),
                "ship_mode": pa.array([o["ship_mode"] for o in new_orders], pa.string()),
                "currency_code": pa.array([o["currency"] for o in new_orders], pa.string()),
                "customer_name": pa.array([o["customer_name"] for o in new_orders], pa.string()),
                "segment_name": pa.array([o["segment"] for o in new_orders], pa.string()),
                "country": pa.array([o["country"] for o in new_orders], pa.string()),
                "state": pa.array([o["state"] for o in new_orders], pa.string()),
                "city": pa.array([o["city"] for o in new_orders], pa.string()),
                "postal_code": pa.array([o["postal_code"] for o in new_orders], pa.string()),
                "region": pa.array([o["region"] for o in new_orders], pa.string()),
                "source_system": pa.array([mapping.source_system] * len(new_orders), pa.string()),
                "external_id": pa.array([o["external_id"] for o in new_orders], pa.string()),
            }
        )
        _insert_created(
            context,
            "order",
            order_ids,
            [o["row_number"] for o in new_orders],
            "import_orders_stage",
            stage,
            "imports/insert_orders",
        )
    if new_lines:
        decimal = pa.decimal128(18, 4)
        stage = pa.table(
            {
                "order_line_id": pa.array(line_ids, pa.int64()),
                "order_id": pa.array([line["order"]["order_id"] for line in new_lines], pa.int64()),
                "product_name": pa.array(
                    [_str(line["product_name"]) for line in new_lines], pa.string()
                ),
                "category": pa.array([_str(line["category"]) for line in new_lines], pa.string()),
                "quantity": pa.array([line["quantity"] for line in new_lines], decimal),
                "unit_price": pa.array([line["unit_price"] for line in new_lines], decimal),
                "discount_pct": pa.array(
                    [line["discount"] for line in new_lines], pa.decimal128(7, 4)
                ),
                "sales_amount": pa.array([line["sales"] for line in new_lines], decimal),
                "profit": pa.array([line["profit"] for line in new_lines], decimal),
                "external_id": pa.array([line["line_key"] for line in new_lines], pa.string()),
            }
        )
        _insert_created(
            context,
            "order_line",
            line_ids,
            [line["record"].row_number for line in new_lines],
            "import_order_lines_stage",
            stage,
            "imports/insert_order_lines",
        )
        for line, line_id in zip(new_lines, line_ids, strict=True):
            _outcome(context, line["record"], "new", line["line_key"], line_id, line["note"])
    if mixed:
        context.result.notes.append(
            f"{len(mixed)} order(s) have lines that differ in ship-to or customer details; each "
            "order keeps its first line's details (see the notes per row)."
        )
    context.result.created["orders"] += len(new_orders)
    if progress:
        progress(1.0, "Orders loaded")


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def load_returns(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    mapping = context.mapping
    known = sql.fetch_all(context.cur, "imports/list_orders_for_returns")
    orders: dict[tuple[str, str], dict[str, Any]] = {}
    for row in known:
        order = orders.setdefault(
            (str(row["source_system"]), str(row["order_external_id"])),
            {
                "order_id": int(row["order_id"]),
                "order_date": row["order_date"],
                "ship_date": row["ship_date"],
                "returned": bool(row["is_order_returned"]),
                "total": Decimal(0),
                "lines": {},
            },
        )
        if row["order_line_id"] is not None:
            amount = Decimal(row["sales_amount"])
            order["total"] += amount
            order["lines"][str(row["line_external_id"])] = {
                "order_line_id": int(row["order_line_id"]),
                "amount": amount,
                "returned": bool(row["is_line_returned"]),
            }
    new: list[dict[str, Any]] = []
    first_row: dict[Any, int] = {}
    for record in _records_to_load(context, table, records, (("order_external_id", "order id"),)):
        values = record.values
        key = values["order_external_id"]
        if values.get("returned") is False:
            _outcome(context, record, "unchanged", str(key), None, "not returned")
            continue
        order = orders.get((mapping.source_system, str(key)))
        if order is None:
            matches = [value for (system, ext), value in orders.items() if ext == str(key)]
            order = matches[0] if len(matches) == 1 else None
        if order is None:
            _reject(
                context,
                table,
                record,
                f"order {key} is not in the workspace; import the orders first",
            )
            continue
        line_key = values.get("line_external_id")
        line = None
        if line_key:
            line = order["lines"].get(str(line_key))
            if line is None:
                _reject(context, table, record, f"order {key} has no line {line_key}")
                continue
        target = (order["order_id"], line["order_line_id"] if line else None)
        if target in first_row:
            _outcome(
                context,
                record,
                "unchanged",
                str(key),
                None,
                f"already returned on row {first_row[target]}",
            )
            continue
        if (line and line["returned"]) or (not line and order["returned"]):
            _outcome(context, record, "unchanged", str(key), None, "already returned")
            continue
        first_row[target] = record.row_number
        amount = values.get("return_amount")
        note = None
        if amount is None:
            amount = line["amount"] if line else order["total"]
            note = "amount: the " + ("line's" if line else "whole order's") + " sales"
        if amount < 0:
            _reject(context, table, record, "the return amount cannot be negative")
            continue
        returned = values.get("returned_date")
        if returned is None:
            returned = order["ship_date"] or order["order_date"]
            note = _join(note, "date: the ship date (the file gives none)")
        new.append(
            {
                "record": record,
                "key": str(key),
                "order_id": order["order_id"],
                "order_line_id": line["order_line_id"] if line else None,
                "returned_date": returned,
                "return_amount": Decimal(amount).quantize(
                    Decimal("0.0001"), rounding=ROUND_HALF_EVEN
                ),
                "reason": values.get("reason"),
                "note": note,
            }
        )
    ids = reserve_ids(context.cur, "seq_returns", len(new))
    if new:
        stage = pa.table(
            {
                "return_id": pa.array(ids, pa.int64()),
                "order_id": pa.array([item["order_id"] for item in new], pa.int64()),
                "order_line_id": pa.array([item["order_line_id"] for item in new], pa.int64()),
                "returned_date": pa.array([item["returned_date"] for item in new], pa.date32()),
                "return_amount": pa.array(
                    [item["return_amount"] for item in new], pa.decimal128(18, 4)
                ),
                "reason": pa.array([_str(item["reason"]) for item in new], pa.string()),
            }
        )
        _insert_created(
            context,
            "return",
            ids,
            [item["record"].row_number for item in new],
            "import_returns_stage",
            stage,
            "imports/insert_returns",
        )
        for item, return_id in zip(new, ids, strict=True):
            _outcome(context, item["record"], "new", item["key"], return_id, item["note"])
    if progress:
        progress(1.0, "Returns loaded")
