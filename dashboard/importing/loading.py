"""Load typed records into the workspace as one batch, in one transaction.

Deals go through dashboard.deals (create_deal / update_deal with origin 'import'), so every
change becomes opportunity_events rows carrying the batch id; large deal files take the
set-based path in dashboard.importing.bulk, which writes exactly the same rows. Accounts,
reps, teams, products, orders and returns a batch creates are listed in import_changes, and
rows a batch updates are kept as they were in snapshot tables, so undo is exact.

A preview is the same load rolled back at the end: what it says is what loading will do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard import Progress, deals, sql
from dashboard.auth import Viewer
from dashboard.db import Database, next_ids
from dashboard.errors import DomainError, ValidationError
from dashboard.importing import ImportRefused
from dashboard.importing.fields import LOAD_ORDER
from dashboard.importing.mapping import (
    LOST_REASON_DEFAULT,
    Mapping,
    check_importer,
    forecast_category_of,
    propose_owner_map,
    propose_stage_map,
    validate_mapping,
)
from dashboard.importing.records import Record, build_records
from dashboard.importing.tables import RawTable
from dashboard.importing.values import text_of

BULK_THRESHOLD = 500  # deal files with more rows than this load set-based
STATUSES = ("new", "updated", "unchanged", "rejected")


# which tables loaded before may load again: every one (True), none (False), or
# (SHA-256, sheet) -> the earlier batches the user was shown when they agreed
LoadAgain = bool | dict[tuple[str, str | None], Collection[int]]


class DuplicateFile(DomainError):
    """The same file was loaded before; loading it again needs an explicit yes."""

    def __init__(self, label: str, batches: list[dict[str, Any]]):
        self.batches = batches
        first = batches[0]
        super().__init__(
            f"{label} was loaded before as batch {first['batch_id']} on "
            f"{first['created_at']:%Y-%m-%d %H:%M}. Load it again only if you mean to "
            "(tick “load it again” on the Imports page, or pass --allow-duplicate)."
        )


class _ClaimTaken(Exception):
    """The database refused this load's claim on its file: another load holds it (on the shared
    store, one that committed while this one ran). Turned into DuplicateFile after rollback."""

    def __init__(self, table: RawTable):
        super().__init__(table.label)
        self.table = table


class _Rollback(Exception):
    """Raised at the end of a preview so the transaction rolls back."""

    def __init__(self, results: list[LoadResult]):
        self.results = results


@dataclass
class LoadResult:
    """What loading one table did (or, for a preview, would do), row by row."""

    file_name: str
    sheet: str | None
    kind: str
    source: str
    source_system: str
    batch_id: int | None = None
    load_path: str = "row"
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    duplicate_of: list[int] = field(default_factory=list)
    file_sha256: str = ""

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome["status"] == status)

    @property
    def rows(self) -> int:
        return len(self.outcomes)

    @property
    def refusal(self) -> str | None:
        """Why loading this table is refused whole (every row rejected), else None."""
        if not self.rows or self.count("rejected") < self.rows:
            return None
        reasons = Counter(reject["reason"] for reject in self.rejects).most_common(3)
        shown = "; ".join(f"{reason} ({count} rows)" for reason, count in reasons)
        where = self.file_name + (f" › {self.sheet}" if self.sheet else "")
        return (
            f"None of the {self.rows} rows of {where} can be loaded: {shown}. Nothing was changed."
        )

    def summary(self) -> dict[str, Any]:
        """The JSON summary the command line prints."""
        return {
            "batch_id": self.batch_id,
            "file": self.file_name,
            "sheet": self.sheet,
            "source": self.source,
            "source_system": self.source_system,
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.count("new"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"),
            "created": dict(self.created),
            "load_path": self.load_path,
            "notes": self.notes,
            "rejects": [
                {"row": reject["row_number"], "reason": reject["reason"]} for reject in self.rejects
            ],
        }

    def outcomes_frame(self) -> pd.DataFrame:
        """One row per file row: its number, status, the record it became and the reason."""
        frame = pd.DataFrame(
            self.outcomes, columns=["row_number", "status", "key", "record_id", "reason"]
        )
        return frame.rename(columns={"row_number": "row"})

    def rejects_frame(self) -> pd.DataFrame:
        """The rejected rows: row number, reason and the row as read."""
        return pd.DataFrame(
            [
                {"row": reject["row_number"], "reason": reject["reason"], **reject["raw"]}
                for reject in self.rejects
            ]
        )


@dataclass
class Context:
    """What the workspace holds that a load looks things up in, read once per load."""

    cur: duckdb.DuckDBPyConnection
    viewer: Viewer
    batch_id: int
    mapping: Mapping
    now: dt.datetime
    as_of: dt.datetime
    result: LoadResult
    stages: pd.DataFrame = field(default_factory=pd.DataFrame)
    reps: pd.DataFrame = field(default_factory=pd.DataFrame)
    teams: list[dict[str, Any]] = field(default_factory=list)

    def change(self, entity: str, entity_id: int, action: str, row_number: int | None) -> None:
        sql.execute(
            self.cur,
            "imports/insert_change",
            batch_id=self.batch_id,
            entity=entity,
            entity_id=int(entity_id),
            action=action,
            row_number=row_number,
        )


# ---------------------------------------------------------------- entry points


def find_earlier_loads(cur: duckdb.DuckDBPyConnection, table: RawTable) -> list[dict[str, Any]]:
    """Batches that loaded this same file (and sheet) before and were not undone."""
    return sql.fetch_all(
        cur, "imports/find_batches_by_file", file_sha256=table.sha256, sheet_name=table.sheet
    )


def claim_file(cur: duckdb.DuckDBPyConnection, table: RawTable, batch_id: int) -> None:
    """Claim a file (and sheet) for the batch loading it first; the database refuses a second
    claim, so two processes that both found no earlier load cannot both load it. A claim still
    held by an undone batch is taken over."""
    file_key = {"file_sha256": table.sha256, "sheet_name": table.sheet}
    sql.execute(cur, "imports/drop_stale_claim", **file_key)
    try:
        sql.execute(
            cur,
            "imports/insert_claim",
            **file_key,
            batch_id=batch_id,
        )
    except duckdb.ConstraintException as error:
        raise _ClaimTaken(table) from error


def _claim_refusal(db: Database, table: RawTable) -> DomainError:
    """What to tell a load whose claim was refused: the load that holds the file, read after
    this load's transaction rolled back (so it sees the other process's committed batch)."""
    with db.reading() as cur:
        earlier = find_earlier_loads(cur, table)
    if earlier:
        return DuplicateFile(table.label, earlier)
    return ImportRefused(
        f"{table.label} was being loaded by someone else at the same moment. Nothing was "
        "changed; look at the import history before loading it again."
    )


def _may_load_again(
    table: RawTable,
    earlier: list[dict[str, Any]],
    allow_duplicate: LoadAgain,
) -> bool:
    """Whether a table loaded before may load again: always (True), never (False), or when the
    user agreed to load it again knowing of every earlier load there is now."""
    if isinstance(allow_duplicate, bool):
        return allow_duplicate
    known = allow_duplicate.get((table.sha256, table.sheet))
    return known is not None and {int(batch["batch_id"]) for batch in earlier} <= set(known)


def load_tables(
    db: Database,
    viewer: Viewer,
    items: list[tuple[RawTable, Mapping]],
    *,
    dry_run: bool = False,
    allow_duplicate: LoadAgain = False,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    path: str = "auto",
) -> list[LoadResult]:
    """Load tables, each as its own batch, all in one transaction (a preview when dry_run).

    Files load in dependency order (reps, accounts, products, deals, orders, returns). A table
    none of whose rows can load refuses the whole load; nothing is changed then. A file loaded
    for the first time is claimed in the database (import_claims), so when another process
    loads the same file at the same moment only one of them loads it; the other is refused
    with DuplicateFile as if it had come second, and changes nothing. `allow_duplicate` lets
    tables loaded before load again: every one (True), or those given as (SHA-256, sheet) ->
    the earlier batches the user was shown, as long as no other load of them came since.
    """
    check_importer(viewer)
    now = now or dt.datetime.now().replace(microsecond=0)
    ordered = sorted(items, key=lambda item: LOAD_ORDER[item[1].kind])
    prepared = []
    for table, mapping in ordered:
        validate_mapping(mapping, table.headers)
        records = build_records(table, mapping.kind, mapping.columns, mapping.date_order)
        prepared.append((table, mapping, records))
    try:
        with db.transaction() as cur:
            results = []
            for position, (table, mapping, records) in enumerate(prepared):
                earlier = find_earlier_loads(cur, table)
                if earlier and not dry_run and not _may_load_again(table, earlier, allow_duplicate):
                    raise DuplicateFile(table.label, earlier)

                def step(fraction: float, message: str, position: int = position) -> None:
                    if progress:
                        progress((position + fraction) / len(prepared), message)

                result = load_records(
                    cur,
                    viewer,
                    table,
                    mapping,
                    records,
                    now=now,
                    progress=step,
                    path=path,
                    claim=not earlier and not dry_run,
                )
                result.duplicate_of = [int(batch["batch_id"]) for batch in earlier]
                if not dry_run and result.refusal:
                    raise ImportRefused(result.refusal)
                results.append(result)
            if dry_run:
                raise _Rollback(results)
    except _Rollback as rollback:
        for result in rollback.results:
            result.batch_id = None
        return rollback.results
    except _ClaimTaken as taken:
        raise _claim_refusal(db, taken.table) from taken
    return results


def load_records(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    table: RawTable,
    mapping: Mapping,
    records: list[Record],
    now: dt.datetime,
    progress: Progress | None = None,
    path: str = "auto",
    claim: bool = False,
) -> LoadResult:
    """Load one table's records as one batch on an open transaction; returns what happened.

    With `claim` (a first load of the file) the batch claims the file before it writes
    anything else, so a concurrent first load of the same file is refused up front."""
    as_of = mapping.as_of or now
    is_bulk = mapping.kind == "deals" and (
        path == "bulk" or (path == "auto" and len(records) > BULK_THRESHOLD)
    )
    result = LoadResult(
        file_name=table.file_name,
        sheet=table.sheet,
        kind=mapping.kind,
        source=mapping.source,
        source_system=mapping.source_system,
        load_path="bulk" if is_bulk else "row",
        notes=list(table.notes),
        file_sha256=table.sha256,
    )
    row = sql.fetch_one(
        cur,
        "imports/insert_batch",
        file_name=table.file_name,
        sheet_name=table.sheet,
        file_sha256=table.sha256,
        file_bytes=table.file_bytes,
        source=mapping.source,
        source_system=mapping.source_system,
        kind=mapping.kind,
        profile_name=mapping.profile_name,
        mapping=mapping.to_json(),
        as_of=as_of,
        load_path=result.load_path,
        created_by=viewer.user_id or None,
        created_at=now,
    )
    if claim:
        claim_file(cur, table, int(row["batch_id"]))
    context = Context(cur, viewer, int(row["batch_id"]), mapping, now, as_of, result)
    result.batch_id = context.batch_id
    context.stages = sql.fetch_df(cur, "imports/list_stages")
    context.reps = sql.fetch_df(cur, "imports/list_reps")
    context.teams = sql.fetch_all(cur, "imports/list_teams")
    for number, raw, reason in table.bad_rows:
        _reject_raw(result, number, dict(zip(table.headers, raw, strict=False)), reason)
    from dashboard.importing import kinds

    loaders = {
        "deals": _load_deals,
        "accounts": kinds.load_accounts,
        "reps": kinds.load_reps,
        "products": kinds.load_products,
        "orders": kinds.load_orders,
        "returns": kinds.load_returns,
    }
    loaders[mapping.kind](context, table, records, progress, is_bulk)
    result.outcomes.sort(key=lambda outcome: outcome["row_number"])
    result.rejects.sort(key=lambda reject: reject["row_number"])
    _store_rejects(context)
    sql.execute(
        cur,
        "imports/finish_batch",
        batch_id=context.batch_id,
        rows_total=result.rows,
        inserted=result.count("new"),
        updated=result.count("updated"),
        unchanged=result.count("unchanged"),
        rejected=result.count("rejected"),
    )
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action="import",
        entity="import_batches",
        entity_id=str(context.batch_id),
        detail=json.dumps(
            {
                "file": table.label,
                "kind": mapping.kind,
                "inserted": result.count("new"),
                "updated": result.count("updated"),
                "rejected": result.count("rejected"),
                "created": dict(result.created),
            }
        ),
    )
    return result


# ---------------------------------------------------------------- outcomes and rejects


def _raw_text(raw: dict[str, Any]) -> dict[str, str]:
    return {str(key): text_of(value) or "" for key, value in raw.items()}


def _reject_raw(result: LoadResult, number: int, raw: dict[str, Any], reason: str) -> None:
    result.outcomes.append(
        {
            "row_number": number,
            "status": "rejected",
            "key": None,
            "record_id": None,
            "reason": reason,
        }
    )
    result.rejects.append({"row_number": number, "raw": _raw_text(raw), "reason": reason})


def _reject(context: Context, table: RawTable, record: Record, reason: str) -> None:
    _reject_raw(context.result, record.row_number, table.row(record.index), reason)


def _outcome(
    context: Context,
    record: Record,
    status: str,
    key: str | None,
    record_id: int | None,
    note: str | None = None,
) -> None:
    context.result.outcomes.append(
        {
            "row_number": record.row_number,
            "status": status,
            "key": key,
            "record_id": record_id,
            "reason": note,
        }
    )


def _store_rejects(context: Context) -> None:
    rejects = context.result.rejects
    if not rejects:
        return
    stage = pa.table(
        {
            "row_number": pa.array([reject["row_number"] for reject in rejects], pa.int32()),
            "raw_row": pa.array(
                [json.dumps(reject["raw"], ensure_ascii=False) for reject in rejects], pa.string()
            ),
            "reason": pa.array([reject["reason"] for reject in rejects], pa.string()),
        }
    )
    with _registered(context.cur, "import_rejects_stage", stage):
        sql.execute(context.cur, "imports/insert_rejects", batch_id=context.batch_id)


class _registered:
    """Register an Arrow table under a fixed name for the duration of a with-block."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, name: str, data: pa.Table):
        self.cur, self.name, self.data = cur, name, data

    def __enter__(self) -> None:
        self.cur.register(self.name, self.data)

    def __exit__(self, *exc: object) -> None:
        self.cur.unregister(self.name)


def reserve_ids(cur: duckdb.DuckDBPyConnection, sequence: str, count: int) -> list[int]:
    """`count` fresh ids from a sequence, ascending: the ids row-by-row inserts would get
    (drawn by dashboard.db.next_ids, on the embedded file and the shared store alike).

    When the sequence is behind its table (rows written with explicit ids elsewhere, as the
    demo's orders are), the drawn ids would collide: the sequence is then moved past the
    highest id in use and the ids drawn again.
    """
    if count <= 0:
        return []
    ids = next_ids(cur, sequence, count)
    top = sql.fetch_one(cur, "imports/get_max_ids")[sequence]
    if top is not None and ids[0] <= top:
        if top > ids[-1]:
            next_ids(cur, sequence, int(top - ids[-1]))
        ids = next_ids(cur, sequence, count)
    return ids


# ---------------------------------------------------------------- teams and reps


def _company_root(context: Context) -> int:
    companies = [team for team in context.teams if team["team_level"] == "company"]
    roots = [team for team in companies if team["parent_team_id"] is None] or companies
    if roots:
        return int(roots[0]["team_id"])
    return _create_team(context, "Company", None, "company", None)


def _create_team(
    context: Context, name: str, parent: int | None, level: str, row_number: int | None
) -> int:
    row = sql.fetch_one(
        context.cur,
        "imports/insert_team",
        team_name=name,
        parent_team_id=parent,
        team_level=level,
    )
    team_id = int(row["team_id"])
    context.change("team", team_id, "created", row_number)
    context.result.created["teams"] += 1
    context.teams.append(
        {"team_id": team_id, "team_name": name, "parent_team_id": parent, "team_level": level}
    )
    return team_id


def _child_team(
    context: Context, name: str, parent: int, level: str, row_number: int | None
) -> int:
    for team in context.teams:
        if team["parent_team_id"] == parent and team["team_name"].casefold() == name.casefold():
            return int(team["team_id"])
    return _create_team(context, name, parent, level, row_number)


def resolve_rep_team(context: Context) -> int:
    """The team new reps join: the chosen team by name, created under the company if missing."""
    name = " ".join((context.mapping.rep_team or "").split())
    if not name:
        raise ValidationError("choose the team new reps join")
    found = [team for team in context.teams if team["team_name"].casefold() == name.casefold()]
    if len(found) > 1:
        raise ValidationError(
            f"{len(found)} teams are called {name}; choose the team for new reps by a unique name"
        )
    if found:
        return int(found[0]["team_id"])
    return _create_team(context, name, _company_root(context), "team", None)


def _create_rep(
    context: Context,
    name: str,
    email: str | None,
    team_id: int,
    row_number: int | None,
    hire_date: dt.date | None = None,
    base_salary: Decimal | None = None,
) -> int:
    row = sql.fetch_one(
        context.cur,
        "imports/insert_rep",
        full_name=name,
        email=email,
        team_id=team_id,
        hire_date=hire_date,
        base_salary=base_salary,
    )
    rep_id = int(row["rep_id"])
    context.change("rep", rep_id, "created", row_number)
    context.result.created["reps"] += 1
    context.reps = pd.concat(
        [
            context.reps,
            pd.DataFrame(
                [{"rep_id": rep_id, "full_name": name, "email": email, "team_id": team_id}]
            ),
        ],
        ignore_index=True,
    )
    return rep_id


def _person(text: str) -> tuple[str, str | None]:
    """(full name, email) for an owner written as a name or as an email address."""
    if "@" in text and " " not in text:
        local = text.split("@", 1)[0]
        name = " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part)
        return name or text, text.lower()
    return text, None


# ---------------------------------------------------------------- deals


@dataclass
class DealRow:
    """One deal row ready for dashboard.deals: its key, values and the times to use."""

    record: Record
    key: str
    values: dict[str, Any]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    is_closed: bool
    owner_text: str
    account_name: str | None = None
    account_external_id: str | None = None
    product_name: str | None = None
    note: str | None = None


def _status_of(values: dict[str, Any]) -> str | None:
    text = values.get("status")
    if text:
        word = re.sub(r"[^a-z]+", " ", str(text).casefold()).split()
        if "won" in word:
            return "won"
        if "lost" in word:
            return "lost"
        if {"open", "active", "in", "progress"} & set(word) or word == ["pending"]:
            return "open"
        raise ValidationError(f"status {text!r} is not open, won or lost")
    closed, won = values.get("is_closed"), values.get("is_won")
    if closed is not None:
        return ("won" if won else "lost") if closed else "open"
    if won:
        return "won"
    return None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _to_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return _midnight(value)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


class DealPlan:
    """Maps source values (stages, owners, accounts, products) to workspace ids for one file."""

    def __init__(self, context: Context, records: list[Record]):
        self.context = context
        mapping = context.mapping
        self.mapped = {target for target in mapping.columns.values() if target}
        stages = context.stages
        self.stages = {int(row.stage_id): row for row in stages.itertuples()}
        won = stages[stages["is_won"] & stages["is_active"]].sort_values("sort_order")
        lost = stages[stages["is_lost"] & stages["is_active"]].sort_values("sort_order")
        self.won_stage = int(won.iloc[0].stage_id) if not won.empty else None
        self.lost_stage = int(lost.iloc[0].stage_id) if not lost.empty else None
        observed: dict[str, list[Decimal]] = {}
        owners: list[str] = []
        for record in records:
            stage = record.values.get("stage")
            if stage is not None:
                observed.setdefault(str(stage), [])
                if record.values.get("probability") is not None:
                    observed[str(stage)].append(record.values["probability"])
            if record.values.get("owner") is not None:
                owners.append(str(record.values["owner"]))
        median = {
            stage: sorted(values)[len(values) // 2] if values else None
            for stage, values in observed.items()
        }
        self.stage_map = propose_stage_map(stages, median, mapping.stage_map)
        self.owner_map = propose_owner_map(
            context.reps, list(dict.fromkeys(owners)), mapping.owner_map
        )
        accounts = sql.fetch_df(context.cur, "imports/list_accounts")
        self.accounts_by_key: dict[tuple[str, str], int] = {}
        self.accounts_by_name: dict[str, list[int]] = {}
        for row in accounts.itertuples():
            if isinstance(row.external_id, str) and row.external_id:
                self.accounts_by_key[(row.source_system, row.external_id)] = int(row.account_id)
            self.accounts_by_name.setdefault(name_key(row.account_name), []).append(
                int(row.account_id)
            )
        products = sql.fetch_df(context.cur, "imports/list_products")
        self.products: dict[str, list[int]] = {}
        for row in products.itertuples():
            self.products.setdefault(product_key(row.product_name), []).append(int(row.product_id))
        self.fx: dict[str, list[dt.date]] = {}
        for rate in sql.fetch_all(context.cur, "imports/list_fx_rates"):
            self.fx.setdefault(rate["currency_code"], []).append(rate["rate_date"])
        self.existing = {
            row["external_id"]: row
            for row in sql.fetch_all(
                context.cur, "imports/list_source_deals", source_system=mapping.source_system
            )
        }

    def stage_for(self, values: dict[str, Any]) -> int:
        status = _status_of(values)
        text = values.get("stage")
        mapped = self.stage_map.get(str(text)) if text is not None else None
        if status == "won":
            if mapped is not None and self.stages[mapped].is_won:
                return mapped
            if self.won_stage is None:
                raise ValidationError("the workspace has no won stage")
            return self.won_stage
        if status == "lost":
            if mapped is not None and self.stages[mapped].is_lost:
                return mapped
            if self.lost_stage is None:
                raise ValidationError("the workspace has no lost stage")
            return self.lost_stage
        if text is None:
            raise ValidationError("the row has no stage")
        if mapped is None:
            raise ValidationError(
                f"stage {text!r} is not mapped to a stage of this workspace (map it on the "
                "Imports page)"
            )
        if status == "open" and (self.stages[mapped].is_won or self.stages[mapped].is_lost):
            raise ValidationError(f"stage {text!r} is closed but the row's status is open")
        return mapped

    def account_for(self, row: DealRow) -> int | None:
        system = self.context.mapping.source_system
        if row.account_external_id and (system, row.account_external_id) in self.accounts_by_key:
            return self.accounts_by_key[(system, row.account_external_id)]
        if row.account_name:
            found = self.accounts_by_name.get(name_key(row.account_name), [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValidationError(
                    f"{len(found)} accounts are called {row.account_name!r}; the deal cannot "
                    "tell which one"
                )
        return None

    def product_for(self, name: str | None) -> int | None:
        if not name:
            return None
        found = self.products.get(product_key(name), [])
        if len(found) > 1:
            raise ValidationError(f"{len(found)} products are called {name!r}")
        return found[0] if found else None


def _mapped(plan: DealPlan, field_name: str) -> bool:
    return field_name in plan.mapped


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """How account names are compared: case and repeated spaces do not matter."""
    return " ".join(str(text).casefold().split())


@lru_cache(maxsize=65536)
def product_key(text: str) -> str:
    """How product names are compared: letters and digits only ('GTXPro' = 'GTX Pro')."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


def prepare_deal(plan: DealPlan, record: Record) -> DealRow:
    """A record's deal values, checked as deals.create_deal would (ValidationError if not)."""
    context = plan.context
    values = record.values
    if values.get("is_deleted"):
        raise ValidationError("the deal is marked deleted in the source system")
    owner = values.get("owner")
    if owner is None:
        raise ValidationError("the row has no owner")
    stage_id = plan.stage_for(values)
    stage = plan.stages[stage_id]
    is_closed = bool(stage.is_won or stage.is_lost)
    notes = []
    account_name = values.get("account")
    product_name = values.get("product")
    name = values.get("opportunity_name")
    if not name:
        name = " · ".join(part for part in (account_name, product_name) if part) or None
    if _mapped(plan, "external_id"):
        key = values.get("external_id")
        if not key:
            raise ValidationError("the row has no deal id")
        name = name or str(key)
    else:
        if not name:
            raise ValidationError("the row has neither a deal id nor a deal name")
        key = f"name:{name_key(name)}|{name_key(account_name or '')}"
    created = _to_datetime(values.get("created_at"))
    close_date = values.get("expected_close_date")
    closed_time = _to_datetime(values.get("closed_at"))
    if created is None:
        created = context.as_of
        notes.append("no creation date: the import's date is used")
    closed_at = None
    if is_closed:
        closed_at = closed_time or (_midnight(close_date) if close_date else None)
        if closed_at is None:
            closed_at = context.as_of
            notes.append("closed without a close date: the import's date is used")
        if close_date is None:
            close_date = closed_at.date()
    if close_date is not None and close_date < created.date():
        created = _midnight(close_date)
        notes.append("created after its close date in the source: created on the close date")
    if closed_at is not None and closed_at < created:
        created = closed_at
    out: dict[str, Any] = {"opportunity_name": name, "stage_id": stage_id}
    if _mapped(plan, "amount"):
        amount = _money(values.get("amount"))
        out["amount"] = amount if amount is not None else Decimal("0.00")
        if out["amount"] < 0:
            raise ValidationError("the amount cannot be negative")
    currency = values.get("currency") or values.get("_currency_in_amount")
    if currency or _mapped(plan, "currency"):
        out["currency_code"] = (currency or deals.REPORTING_CURRENCY).strip().upper()
        code = out["currency_code"]
        if code != deals.REPORTING_CURRENCY and not any(
            day <= created.date() for day in plan.fx.get(code, [])
        ):
            raise ValidationError(
                f"there is no exchange rate for {code} on or before {created.date()}; add one first"
            )
    if _mapped(plan, "probability") and values.get("probability") is not None:
        probability = _money(values["probability"])
        if not Decimal(0) <= probability <= Decimal(100):
            raise ValidationError("the probability must be between 0 and 100 percent")
        out["probability"] = probability
    if _mapped(plan, "forecast_category") and values.get("forecast_category"):
        category = forecast_category_of(values["forecast_category"])
        if category is None:
            notes.append(
                f"forecast category {values['forecast_category']!r} is unknown: the stage's is used"
            )
        else:
            out["forecast_category"] = category
    if _mapped(plan, "expected_close_date") or close_date is not None:
        out["expected_close_date"] = close_date
    for source_field in ("lead_source", "next_step"):
        if _mapped(plan, source_field):
            out[source_field] = values.get(source_field)
    if _mapped(plan, "lead_rating") and values.get("lead_rating"):
        rating = str(values["lead_rating"]).casefold()
        if rating not in deals.LEAD_RATINGS:
            raise ValidationError(f"lead rating must be one of {', '.join(deals.LEAD_RATINGS)}")
        out["lead_rating"] = rating
    if _mapped(plan, "discount_pct") and values.get("discount_pct") is not None:
        discount = _money(values["discount_pct"])
        if not Decimal(0) <= discount <= Decimal(100):
            raise ValidationError("the discount must be between 0 and 100 percent")
        out["discount_pct"] = discount
    if stage.is_lost:
        out["loss_reason"] = values.get("loss_reason") or LOST_REASON_DEFAULT
    return DealRow(
        record=record,
        key=str(key),
        values=out,
        created_at=created,
        closed_at=closed_at,
        is_closed=is_closed,
        owner_text=str(owner),
        account_name=account_name,
        account_external_id=values.get("account_external_id"),
        product_name=product_name,
        note="; ".join(notes) or None,
    )


def prepare_deals(
    context: Context, table: RawTable, records: list[Record]
) -> tuple[DealPlan, list[DealRow]]:
    """Check every deal row, reject the bad ones, create what good rows need; the good rows."""
    plan = DealPlan(context, records)
    mapping = context.mapping
    ready: list[DealRow] = []
    seen: dict[str, int] = {}
    for record in records:
        if record.error:
            _reject(context, table, record, record.error)
            continue
        try:
            row = prepare_deal(plan, record)
            if row.key in seen:
                raise ValidationError(
                    f"the same deal ({row.key}) is also on row {seen[row.key]}; a file may hold "
                    "each deal once"
                )
            if plan.owner_map.get(row.owner_text) is None and not mapping.create_reps:
                raise ValidationError(
                    f"owner {row.owner_text!r} is not a rep in this workspace (map the owner, or "
                    "tick “create missing reps”; on the command line --create-reps)"
                )
            existing = plan.existing.get(row.key)
            if existing is not None and context.as_of < existing["last_event_at"]:
                raise ValidationError(
                    f"this export is dated {context.as_of:%Y-%m-%d %H:%M}, before the deal's last "
                    f"change ({existing['last_event_at']:%Y-%m-%d %H:%M}); load exports oldest "
                    "first"
                )
        except ValidationError as error:
            _reject(context, table, record, str(error))
            continue
        seen[row.key] = record.row_number
        ready.append(row)
    _create_deal_references(context, plan, ready)
    checked = []
    for row in ready:
        try:
            row.values["owner_rep_id"] = plan.owner_map[row.owner_text]
            account_id = plan.account_for(row)
            if (
                account_id is not None
                or _mapped(plan, "account")
                or _mapped(plan, "account_external_id")
            ):
                if account_id is None and row.account_external_id and not row.account_name:
                    row.note = _join(
                        row.note,
                        f"account {row.account_external_id} is not in the workspace (import the "
                        "accounts first): loaded without an account",
                    )
                else:
                    row.values["account_id"] = account_id
            if _mapped(plan, "product"):
                product_id = plan.product_for(row.product_name)
                if product_id is None and row.product_name:
                    row.note = _join(
                        row.note, f"product {row.product_name!r} is unknown: loaded without one"
                    )
                row.values["product_id"] = product_id
        except ValidationError as error:
            _reject(context, table, row.record, str(error))
            continue
        checked.append(row)
    return plan, checked


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _create_deal_references(context: Context, plan: DealPlan, rows: list[DealRow]) -> None:
    """Create the reps, accounts and products the good rows need and the workspace lacks."""
    mapping = context.mapping
    missing_owners = list(
        dict.fromkeys(row.owner_text for row in rows if plan.owner_map.get(row.owner_text) is None)
    )
    if missing_owners:
        team_id = resolve_rep_team(context)
        first_row = {}
        for row in rows:
            first_row.setdefault(row.owner_text, row.record.row_number)
        for owner in missing_owners:
            name, email = _person(owner)
            plan.owner_map[owner] = _create_rep(context, name, email, team_id, first_row[owner])
    if mapping.create_accounts:
        new_accounts: dict[str, dict[str, Any]] = {}
        for row in rows:
            if not row.account_name:
                continue
            try:
                if plan.account_for(row) is not None:
                    continue
            except ValidationError:
                continue
            key = name_key(row.account_name)
            if key not in new_accounts:
                new_accounts[key] = {
                    "account_name": row.account_name,
                    "external_id": row.account_external_id,
                    "row_number": row.record.row_number,
                }
        ids = _insert_accounts(context, list(new_accounts.values()))
        for key, account_id in zip(new_accounts, ids, strict=True):
            plan.accounts_by_name[key] = [account_id]
            external = new_accounts[key]["external_id"]
            if external:
                plan.accounts_by_key[(mapping.source_system, external)] = account_id
    if mapping.create_products:
        seen: dict[str, int] = {}
        for row in rows:
            if row.product_name and not plan.products.get(product_key(row.product_name)):
                seen.setdefault(row.product_name, row.record.row_number)
        for name, row_number in seen.items():
            if plan.products.get(product_key(name)):
                continue
            plan.products[product_key(name)] = [
                _create_product(context, name, None, None, None, row_number)
            ]


def _insert_accounts(context: Context, accounts: list[dict[str, Any]]) -> list[int]:
    """Create accounts set-based (explicit ids, ledger rows); returns their ids in order."""
    if not accounts:
        return []
    ids = reserve_ids(context.cur, "seq_accounts", len(accounts))
    stage = pa.table(
        {
            "account_id": pa.array(ids, pa.int32()),
            "account_name": pa.array([item["account_name"] for item in accounts], pa.string()),
            "industry": pa.array([item.get("industry") for item in accounts], pa.string()),
            "employee_count": pa.array(
                [item.get("employee_count") for item in accounts], pa.int32()
            ),
            "owner_rep_id": pa.array([item.get("owner_rep_id") for item in accounts], pa.int32()),
            "credit_limit": pa.array(
                [_money(item.get("credit_limit")) for item in accounts], pa.decimal128(18, 2)
            ),
            "billing_country": pa.array(
                [item.get("billing_country") for item in accounts], pa.string()
            ),
            "billing_state": pa.array(
                [item.get("billing_state") for item in accounts], pa.string()
            ),
            "source_system": pa.array([context.mapping.source_system] * len(accounts), pa.string()),
            "external_id": pa.array([item.get("external_id") for item in accounts], pa.string()),
        }
    )
    with _registered(context.cur, "import_accounts_stage", stage):
        sql.execute(context.cur, "imports/insert_accounts", created_at=context.now)
    _insert_changes(
        context,
        "account",
        ids,
        "created",
        [item.get("row_number") for item in accounts],
    )
    context.result.created["accounts"] += len(ids)
    return ids


def _insert_changes(
    context: Context, entity: str, ids: list[int], action: str, rows: list[int | None]
) -> None:
    if not ids:
        return
    stage = pa.table(
        {
            "entity": pa.array([entity] * len(ids), pa.string()),
            "entity_id": pa.array(ids, pa.int64()),
            "action": pa.array([action] * len(ids), pa.string()),
            "row_number": pa.array(rows, pa.int32()),
        }
    )
    with _registered(context.cur, "import_changes_stage", stage):
        sql.execute(context.cur, "imports/insert_changes", batch_id=context.batch_id)


def _create_product(
    context: Context,
    name: str,
    sku: str | None,
    family: str | None,
    price: Decimal | None,
    row_number: int | None,
) -> int:
    base = sku or re.sub(r"[^0-9A-Z]+", "-", name.upper()).strip("-") or "PRODUCT"
    candidate, suffix = base, 1
    while sql.fetch_one(context.cur, "imports/get_product_by_sku", sku=candidate) is not None:
        if sku:
            raise ValidationError(f"SKU {sku} belongs to another product")
        suffix += 1
        candidate = f"{base}-{suffix}"
    row = sql.fetch_one(
        context.cur,
        "imports/insert_product",
        sku=candidate,
        product_name=name,
        product_family=family or "Imported",
        list_price=_money(price) if price is not None else Decimal("0.00"),
    )
    product_id = int(row["product_id"])
    context.change("product", product_id, "created", row_number)
    context.result.created["products"] += 1
    return product_id


def _load_deals(
    context: Context,
    table: RawTable,
    records: list[Record],
    progress: Progress | None,
    is_bulk: bool,
) -> None:
    plan, rows = prepare_deals(context, table, records)
    if is_bulk:
        from dashboard.importing.bulk import write_deals_bulk

        write_deals_bulk(context, table, plan, rows, progress)
    else:
        write_deals_by_row(context, table, plan, rows, progress)


def event_time(context: Context, row: DealRow, existing: dict[str, Any]) -> dt.datetime:
    """When an update happened: the close time for a deal this export closes (when it lies
    between the deal's last change and the export), else the export's date."""
    if (
        row.is_closed
        and not existing["is_closed"]
        and row.closed_at is not None
        and existing["last_event_at"] <= row.closed_at <= context.as_of
    ):
        return row.closed_at
    return context.as_of


def create_time(context: Context, row: DealRow) -> dt.datetime:
    """The `at` of a new deal: its close time when it arrives closed, else the export's date."""
    return row.closed_at if row.is_closed and row.closed_at is not None else context.as_of


def write_deals_by_row(
    context: Context,
    table: RawTable,
    plan: DealPlan,
    rows: list[DealRow],
    progress: Progress | None,
) -> None:
    """The reference path: one deals.create_deal / update_deal call per row."""
    cur, viewer, mapping = context.cur, context.viewer, context.mapping
    step = max(1, len(rows) // 100)
    for position, row in enumerate(rows):
        if progress and position % step == 0:
            progress(
                position / max(1, len(rows)), f"Loading deals: row {position:,} of {len(rows):,}"
            )
        existing = plan.existing.get(row.key)
        try:
            if existing is None:
                saved = deals.create_deal(
                    cur,
                    viewer,
                    row.values,
                    origin="import",
                    batch_id=context.batch_id,
                    at=create_time(context, row),
                    created_at=row.created_at,
                    source_system=mapping.source_system,
                    external_id=row.key,
                )
                context.change(
                    "opportunity", saved.opportunity_id, "created", row.record.row_number
                )
                _outcome(context, row.record, "new", row.key, saved.opportunity_id, row.note)
                continue
            opportunity_id = int(existing["opportunity_id"])
            sql.execute(
                cur,
                "imports/snapshot_deal",
                batch_id=context.batch_id,
                opportunity_id=opportunity_id,
            )
            saved = deals.update_deal(
                cur,
                viewer,
                opportunity_id,
                int(existing["row_version"]),
                {key: value for key, value in row.values.items()},
                origin="import",
                batch_id=context.batch_id,
                at=event_time(context, row, existing),
            )
        except DomainError as error:
            if existing is not None:
                sql.execute(
                    cur,
                    "imports/delete_deal_snapshot",
                    batch_id=context.batch_id,
                    opportunity_id=int(existing["opportunity_id"]),
                )
            _reject(context, table, row.record, str(error))
            continue
        if saved.events:
            context.change("opportunity", opportunity_id, "updated", row.record.row_number)
            _outcome(context, row.record, "updated", row.key, opportunity_id, row.note)
        else:
            sql.execute(
                cur,
                "imports/delete_deal_snapshot",
                batch_id=context.batch_id,
                opportunity_id=opportunity_id,
            )
            _outcome(context, row.record, "unchanged", row.key, opportunity_id, row.note)
    if progress:
        progress(1.0, "Deals loaded")
