"""Territory analytics and boundaries: bookings and attainment per territory rolled up along
the hierarchy, map data, rep workload, and account-to-territory assignment (rules and manual
moves) with an append-only history and a preview of each reassignment's effect.

Goals: a territory's own bookings goal when one is set (goals with scope 'territory'),
otherwise derived: the company goal shared out by each territory's share of the company's
potential (its accounts' bookings over the four quarters before the period). Moving accounts
moves potential, so the preview shows how derived goals and open pipeline shift.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import deals, sql
from dashboard.auth import Viewer
from dashboard.db import next_ids
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.metrics import DealFilter, Period, add_months, analytics_params

NO_FILTERS = DealFilter()  # the default: no page filters

VIEWERS = ("admin", "executive", "manager", "analyst")
EDITORS = ("admin",)
DEAL_KINDS = {"won": "Won in period", "lost": "Lost in period", "open": "Open now"}
DEAL_LIMIT = 5000
TERRITORY_DEFINITIONS: dict[str, str] = {
    "Bookings": "Won deals closed in the period, by the deal's territory, rolled up to every "
    "territory above it.",
    "Goal": "The territory's own bookings goal for the period when one is set; otherwise "
    "derived: the company goal x the territory's share of the company's potential.",
    "Potential": "What the territory's accounts booked over the four quarters before the "
    "period (by the account's territory now).",
    "Attainment": "Bookings / goal.",
    "Sales per selling day": "Bookings / working days (Monday-Friday) of the period so far "
    "(the whole period once it has ended).",
    "Reps assigned": "Reps who own accounts in the territory.",
    "Win rate": "Won / (won + lost) of deals closed in the period.",
    "Potential index": "A rep's potential / the average of the reps of the same team: 1.0 is "
    "an even share, 1.5 half again as much as the average.",
}


def _require_viewer(viewer: Viewer) -> None:
    if viewer.role not in VIEWERS:
        raise PermissionDenied(
            "Territory figures are for managers, executives, analysts and administrators."
        )


def _require_editor(viewer: Viewer) -> None:
    if viewer.role not in EDITORS:
        raise PermissionDenied("Only an administrator can change territory assignments.")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _bounded(period: Period) -> None:
    if period.start is None or period.end is None:
        raise ValidationError("territory figures need a period with a first and a last day")


def potential_window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The four quarters before the period: where potential is measured."""
    return _midnight(add_months(period.start, -12)), _midnight(period.start)


def selling_days(period: Period, today: dt.date) -> int:
    """Working days (Monday-Friday) of the period up to and including today."""
    last = min(period.end, today + dt.timedelta(days=1))
    if last <= period.start:
        return 0
    return int(np.busday_count(period.start, last))


def load_territories(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per territory in the filter's subtree (the world when none) with bookings,
    win rate, open pipeline, accounts, reps, potential, goal (own or derived), attainment and
    sales per selling day."""
    _require_viewer(viewer)
    _bounded(period)
    today = today or dt.date.today()
    potential_start, _ = potential_window(period)
    params = analytics_params(cur, viewer, filters)
    frame = sql.fetch_df(
        cur,
        "territory/summarise_territories",
        rep_ids=params["rep_ids"],
        product_id=params["product_id"],
        root_territory_id=params["territory_id"],
        potential_start=potential_start,
        **period.params(),
    )
    for column in (
        "bookings",
        "lost_amount",
        "open_pipeline",
        "weighted_pipeline",
        "potential",
        "territory_goal",
        "company_goal",
        "potential_share",
    ):
        frame[column] = frame[column].astype(float)
    derived = (frame["company_goal"] * frame["potential_share"]).round(2)
    frame["goal"] = frame["territory_goal"].where(frame["territory_goal"].notna(), derived)
    frame["goal_source"] = np.where(
        frame["territory_goal"].notna(), "set", np.where(derived.notna(), "derived", "none")
    )
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] > 0)
    closed = frame["won"] + frame["lost"]
    frame["win_rate"] = (frame["won"] / closed.where(closed > 0)).astype(float)
    days = selling_days(period, today)
    frame["sales_per_selling_day"] = frame["bookings"] / days if days else np.nan
    return frame.drop(columns=["company_goal", "potential_share", "territory_goal"])


def map_figures(territories: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Map rows from load_territories: 'states' by ISO 3166-2 code (US-CA) and 'countries' by
    ISO alpha-3, the United States as the sum of its states."""
    leaves = territories[territories["territory_kind"].isin(["state", "country"])]
    columns = ["bookings", "goal", "open_pipeline", "won", "accounts"]
    states = leaves[leaves["subdivision_code"].notna()]
    states = states.assign(code=states["subdivision_code"])[
        ["code", "territory_name", *columns, "attainment"]
    ]
    countries = leaves[leaves["subdivision_code"].isna() & leaves["country_iso3"].notna()]
    countries = countries.assign(code=countries["country_iso3"])[
        ["code", "territory_name", *columns, "attainment"]
    ]
    if not states.empty:
        united = states[columns].sum(min_count=1)
        us_row = pd.DataFrame(
            [{"code": "USA", "territory_name": "United States", **united.to_dict()}]
        )
        us_row["attainment"] = us_row["bookings"] / us_row["goal"].where(us_row["goal"] > 0)
        countries = pd.concat([countries, us_row], ignore_index=True)
    return {"states": states.reset_index(drop=True), "countries": countries}


def load_rep_workload(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
) -> pd.DataFrame:
    """Per rep in scope working the territory: accounts, open deals and pipeline, potential,
    goal, bookings, attainment and balance indexes against the team average."""
    _require_viewer(viewer)
    _bounded(period)
    potential_start, _ = potential_window(period)
    params = analytics_params(cur, viewer, filters)
    params.pop("product_id")
    frame = sql.fetch_df(
        cur,
        "territory/summarise_rep_workload",
        **params,
        potential_start=potential_start,
        **period.params(),
    )
    for column in ("open_pipeline", "potential", "goal", "bookings", "attainment"):
        frame[column] = frame[column].astype(float)
    return frame


def list_territory_deals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    territory_id: int,
    kind: str,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    limit: int = DEAL_LIMIT,
) -> pd.DataFrame:
    """The deals behind a territory's figure: won or lost in the period, or open now."""
    _require_viewer(viewer)
    if kind not in DEAL_KINDS:
        raise ValidationError(f"unknown deal list {kind!r}")
    params = {**analytics_params(cur, viewer, filters), "territory_id": territory_id}
    return sql.fetch_df(
        cur,
        "territory/list_territory_deals",
        **params,
        kind=kind,
        limit=limit,
        **period.params(),
    )


# --------------------------------------------------------------------------- boundaries


@dataclass(frozen=True)
class Rule:
    """An assignment rule: accounts matching every condition given go to territory_id."""

    territory_id: int
    priority: int = 100
    owner_rep_id: int | None = None
    match_country: str | None = None
    match_state: str | None = None
    match_segment_id: int | None = None
    match_industry: str | None = None
    min_employees: int | None = None
    max_employees: int | None = None
    note: str | None = None

    def values(self) -> dict[str, Any]:
        clean = {key: value for key, value in self.__dict__.items()}
        for key in ("match_country", "match_state", "match_industry", "note"):
            if isinstance(clean[key], str):
                clean[key] = clean[key].strip() or None
        for key in ("match_country", "match_state"):
            if clean[key]:
                clean[key] = clean[key].upper()
        return clean


def _check_rule(cur: duckdb.DuckDBPyConnection, rule: Rule) -> dict[str, Any]:
    values = rule.values()
    if not sql.fetch_all(
        cur, "territory/list_known_territories", territory_ids=[int(values["territory_id"])]
    ):
        raise ValidationError(f"there is no territory with id {values['territory_id']}")
    conditions = (
        "match_country",
        "match_state",
        "match_segment_id",
        "match_industry",
        "min_employees",
        "max_employees",
    )
    if all(values[key] is None for key in conditions):
        raise ValidationError(
            "a rule needs at least one condition (country, state, segment, industry or size)"
        )
    low, high = values["min_employees"], values["max_employees"]
    if low is not None and high is not None and low > high:
        raise ValidationError("the smallest size is larger than the largest")
    return values


def save_rule(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    rule: Rule,
    rule_id: int | None = None,
    is_active: bool = True,
    at: dt.datetime | None = None,
) -> int:
    """Add a rule, or a new version of rule_id (is_active False retires it); returns its id."""
    _require_editor(viewer)
    values = _check_rule(cur, rule)
    if rule_id is None:
        rule_id = next_ids(cur, "seq_territory_rules", 1)[0]
        version = 1
    else:
        current = sql.fetch_one(cur, "territory/get_rule", rule_id=rule_id)
        if current is None:
            raise ValidationError(f"there is no rule {rule_id}")
        version = int(current["version"]) + 1
    sql.execute(
        cur,
        "territory/insert_rule",
        rule_id=rule_id,
        version=version,
        is_active=is_active,
        created_by=viewer.user_id or None,
        created_at=at or dt.datetime.now(),
        **values,
    )
    _audit(cur, viewer, "save_rule", "territory_rules", str(rule_id), {"version": version})
    return rule_id


def retire_rule(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, rule_id: int, at: dt.datetime | None = None
) -> None:
    """Retire a rule (a new, inactive version; the history stays)."""
    _require_editor(viewer)
    current = sql.fetch_one(cur, "territory/get_rule", rule_id=rule_id)
    if current is None:
        raise ValidationError(f"there is no rule {rule_id}")
    rule = Rule(**{key: current[key] for key in Rule.__dataclass_fields__})
    save_rule(cur, viewer, rule, rule_id=rule_id, is_active=False, at=at)


def list_rules(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The latest version of every rule."""
    _require_viewer(viewer)
    return sql.fetch_df(cur, "territory/list_rules")


def propose_rule_moves(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The accounts the active rules would move (pinned, manually moved accounts excluded)."""
    _require_viewer(viewer)
    return sql.fetch_df(cur, "territory/propose_rule_moves")


@dataclass(frozen=True)
class Move:
    """One account to put in another territory (and optionally with another owner)."""

    account_id: int
    to_territory_id: int
    to_owner_rep_id: int | None = None
    rule_id: int | None = None


def _move_lists(moves: list[Move]) -> dict[str, list]:
    if not moves:
        raise ValidationError("choose at least one account to move")
    return {
        "account_ids": [int(move.account_id) for move in moves],
        "to_territory_ids": [int(move.to_territory_id) for move in moves],
        "to_owner_rep_ids": [
            None if move.to_owner_rep_id is None else int(move.to_owner_rep_id) for move in moves
        ],
    }


def preview_reassignment(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, moves: list[Move], period: Period
) -> pd.DataFrame:
    """Per territory touched by the moves: accounts, open deals and pipeline, potential and
    derived goal before and after (nothing is changed)."""
    _require_viewer(viewer)
    _bounded(period)
    potential_start, _ = potential_window(period)
    frame = sql.fetch_df(
        cur,
        "territory/preview_reassignment",
        **_move_lists(moves),
        potential_start=potential_start,
        **period.params(),
    )
    for column in frame.columns:
        if column.endswith(("_before", "_after")) or column == "territory_goal":
            if not column.startswith(("accounts", "open_deals")):
                frame[column] = frame[column].astype(float)
    return frame


@dataclass(frozen=True)
class AppliedReassignment:
    reassignment_id: int
    accounts_moved: int
    deals_moved: int


def apply_reassignment(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    moves: list[Move],
    kind: str = "manual",
    note: str | None = None,
    at: dt.datetime | None = None,
) -> AppliedReassignment:
    """Move the accounts, and their open deals through the deal write path (so each deal's
    history records the change); append the moves to the history. Run in one transaction."""
    _require_editor(viewer)
    if kind not in ("manual", "rules"):
        raise ValidationError(f"unknown reassignment kind {kind!r}")
    lists = _move_lists(moves)
    at = at or dt.datetime.now()
    known = {
        row["territory_id"]
        for row in sql.fetch_all(
            cur, "territory/list_known_territories", territory_ids=lists["to_territory_ids"]
        )
    }
    missing = set(lists["to_territory_ids"]) - known
    if missing:
        raise ValidationError(f"there is no territory with id {sorted(missing)[0]}")
    current = sql.fetch_df(cur, "territory/list_moved_accounts", account_ids=lists["account_ids"])
    accounts = current.drop_duplicates("account_id").set_index("account_id")
    unknown = set(lists["account_ids"]) - set(accounts.index)
    if unknown:
        raise ValidationError(f"there is no account with id {sorted(unknown)[0]}")
    by_account = {move.account_id: move for move in moves}
    owners: dict[int, int | None] = {}
    deals_moved = 0
    for account_id, move in by_account.items():
        before = accounts.loc[account_id]
        owner = move.to_owner_rep_id if move.to_owner_rep_id is not None else before.owner_rep_id
        owners[account_id] = None if pd.isna(owner) else int(owner)
        open_deals = current[
            (current["account_id"] == account_id) & current["opportunity_id"].notna()
        ]
        for deal in open_deals.itertuples():
            changes: dict[str, Any] = {"territory_id": int(move.to_territory_id)}
            if owners[account_id] is not None:
                changes["owner_rep_id"] = owners[account_id]
            saved = deals.update_deal(
                cur,
                viewer,
                int(deal.opportunity_id),
                int(deal.row_version),
                changes,
                origin="app",
                at=at,
            )
            deals_moved += 1 if saved.events else 0
    reassignment_id = int(
        sql.fetch_one(
            cur,
            "territory/insert_reassignment",
            kind=kind,
            note=(note or "").strip() or None,
            accounts_moved=len(by_account),
            deals_moved=deals_moved,
            applied_by=viewer.user_id or None,
            applied_at=at,
        )["reassignment_id"]
    )
    for account_id, move in by_account.items():
        before = accounts.loc[account_id]
        sql.execute(
            cur,
            "territory/insert_move",
            reassignment_id=reassignment_id,
            account_id=int(account_id),
            from_territory_id=None if pd.isna(before.territory_id) else int(before.territory_id),
            to_territory_id=int(move.to_territory_id),
            from_owner_rep_id=None if pd.isna(before.owner_rep_id) else int(before.owner_rep_id),
            to_owner_rep_id=owners[account_id],
            rule_id=move.rule_id,
        )
        sql.execute(
            cur,
            "territory/move_account",
            account_id=int(account_id),
            to_territory_id=int(move.to_territory_id),
            to_owner_rep_id=owners[account_id],
        )
    _audit(
        cur,
        viewer,
        "reassign",
        "territory_reassignments",
        str(reassignment_id),
        {"accounts": len(by_account), "deals": deals_moved, "kind": kind},
    )
    return AppliedReassignment(reassignment_id, len(by_account), deals_moved)


def list_reassignments(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int = 2000
) -> pd.DataFrame:
    """Every account move, newest first."""
    _require_viewer(viewer)
    return sql.fetch_df(cur, "territory/list_reassignments", limit=limit)


def list_accounts(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    territory_id: int | None = None,
    limit: int = 2000,
) -> pd.DataFrame:
    """Accounts in a territory subtree, to choose what to move."""
    _require_viewer(viewer)
    return sql.fetch_df(cur, "territory/list_accounts", territory_id=territory_id, limit=limit)


def _audit(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    action: str,
    entity: str,
    entity_id: str,
    detail: dict,
) -> None:
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=json.dumps(detail, default=str),
    )
