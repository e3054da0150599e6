"""Statements per rep and quarter: every line traceable to the deal, order or return behind
it. Closing a quarter freezes its statements (with a content hash); a later correction to a
closed quarter becomes an adjustment in the next open quarter, so closed money never changes.
Reps flag lines they dispute; their manager resolves them with a reply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from dashboard import Progress, sql
from dashboard.auth import Viewer
from dashboard.compensation.common import (
    CLOSE_ROLES,
    RAISE_DISPUTE_ROLES,
    RESOLVE_DISPUTE_ROLES,
    STATEMENT_ROLES,
    audit,
    insert_rows,
    next_quarter,
    quarter_from_start,
    quarter_of,
    quarters_between,
    require_role,
)
from dashboard.compensation.engine import (
    ATTAINMENT_PLACES,
    LINE_KINDS,
    ZERO,
    CreditItem,
    Earnings,
    Line,
    PlanTerms,
    Reversal,
    WonDeal,
    adjustment_lines,
    cents,
    clawback_line,
    compute_earnings,
    draw_lines,
    format_money,
    number_lines,
    totals_by_kind,
)
from dashboard.compensation.plans import load_all_terms
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.metrics import Period

EARNED_KINDS = ("commission", "spiff", "clawback", "adjustment")
MAX_COMMENT = 2000
# the frozen header fields, in the order the content hash lists them
HASHED_FIELDS = (
    "rep_id",
    "period_start",
    "period_end",
    "plan_id",
    "plan_version",
    "measure",
    "quota",
    "target_incentive",
    "credited",
    "attainment",
    "tier_label",
    "is_capped",
    "base_salary",
    "draw_balance_after",
)
LINE_FIELDS = (
    "line_no",
    "key",
    "kind",
    "description",
    "opportunity_id",
    "order_id",
    "return_id",
    "event_date",
    "credit_amount",
    "attainment_before",
    "attainment_after",
    "rate_label",
    "amount",
    "source_period_start",
    "source_line_key",
)


@dataclass(frozen=True)
class Statement:
    """One rep's variable pay for one quarter; `total` is the exact sum of the lines."""

    rep_id: int
    rep_name: str
    team_name: str
    period: Period
    status: str  # 'open' (computed now) or 'closed' (frozen)
    plan_id: int | None
    plan_name: str | None
    plan_version: int | None
    measure: str | None
    quota: Decimal | None
    target_incentive: Decimal | None
    credited: Decimal
    attainment: Decimal | None
    tier_label: str | None
    is_capped: bool
    base_salary: Decimal
    lines: tuple[Line, ...]
    draw_balance_after: Decimal
    content_hash: str | None = None
    closed_at: dt.datetime | None = None
    statement_id: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> dict[str, Decimal]:
        return totals_by_kind(self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def earned(self) -> Decimal:
        totals = self.totals
        return sum((totals[kind] for kind in EARNED_KINDS), ZERO)

    @property
    def total_pay(self) -> Decimal:
        return self.base_salary + self.total


@dataclass(frozen=True)
class CloseResult:
    period: Period
    statements: int
    total: Decimal


def _header(statement: Statement) -> dict[str, Any]:
    """The statement's frozen header fields (HASHED_FIELDS) by name."""
    return {
        "period_start": statement.period.start,
        "period_end": statement.period.end,
        **{
            name: getattr(statement, name)
            for name in HASHED_FIELDS
            if name not in ("period_start", "period_end")
        },
    }


def statement_document(statement: Statement) -> bytes:
    """The statement's content as canonical JSON bytes (what the content hash is taken of)."""
    header = _header(statement)
    document = {
        "statement": {name: _plain(header[name]) for name in HASHED_FIELDS},
        "totals": {kind: _plain(amount) for kind, amount in statement.totals.items()},
        "total": _plain(statement.total),
        "lines": [
            {name: _plain(getattr(line, name)) for name in LINE_FIELDS} for line in statement.lines
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def statement_hash(statement: Statement) -> str:
    """sha256 of the statement's canonical content."""
    return hashlib.sha256(statement_document(statement)).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value + ZERO) if value == 0 else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _money(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    value = cents(Decimal(value))
    return value.copy_abs() if value == 0 else value


def _ratio(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value).quantize(ATTAINMENT_PLACES)
    return value.copy_abs() if value == 0 else value


def _normalise(line: Line) -> Line:
    """A line with money in cents and attainment to six places, as it is stored."""
    return Line(
        key=line.key,
        kind=line.kind,
        description=line.description,
        amount=_money(line.amount),
        opportunity_id=line.opportunity_id,
        order_id=line.order_id,
        return_id=line.return_id,
        event_date=line.event_date,
        credit_amount=_money(line.credit_amount),
        attainment_before=_ratio(line.attainment_before),
        attainment_after=_ratio(line.attainment_after),
        rate_label=line.rate_label,
        source_period_start=line.source_period_start,
        source_line_key=line.source_line_key,
        line_no=line.line_no,
    )


def base_salary_for(annual: Decimal | None, period: Period) -> Decimal:
    """The base salary of one quarter: a quarter of the annual salary, to the cent."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    return _money(Decimal(annual or 0) * months / 12)


class Ledger:
    """The data one computation needs, loaded once for a range of quarters, by rep and quarter."""

    def __init__(
        self,
        cur: duckdb.DuckDBPyConnection,
        scope: dict[str, Any],
        rep_id: int | None,
        closed: list[Period],
        chain: list[Period],
    ):
        self.rep_id = rep_id
        self.closed = closed
        self.closed_starts = {period.start for period in closed}
        self.chain = chain
        first = closed[0] if closed else chain[0]
        last = chain[-1] if chain else closed[-1]
        span = {"range_start": first.start, "range_end": last.end, "only_rep_id": rep_id, **scope}
        self.terms_by_version = load_all_terms(cur)
        self.reps = {
            row["rep_id"]: row for row in sql.fetch_all(cur, "compensation/list_reps", **scope)
        }
        self.won: dict[tuple[int, dt.date], list[WonDeal]] = defaultdict(list)
        self.deal_items: dict[tuple[int, dt.date], list[CreditItem]] = defaultdict(list)
        for row in sql.fetch_all(cur, "compensation/list_won_deals", **span):
            key = (row["rep_id"], quarter_of(row["won_on"]).start)
            description = f"Won deal {row['opportunity_name']}" + (
                f" ({row['account_name']})" if row["account_name"] else ""
            )
            self.won[key].append(
                WonDeal(
                    row["opportunity_id"],
                    row["won_on"],
                    row["amount"],
                    row["product_id"],
                    description,
                )
            )
            self.deal_items[key].append(
                CreditItem(
                    key=f"deal:{row['opportunity_id']}",
                    sort_id=row["opportunity_id"],
                    credited_on=row["won_on"],
                    amount=row["amount"],
                    description=description,
                    opportunity_id=row["opportunity_id"],
                )
            )
        self.orders: dict[tuple[int, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for row in sql.fetch_all(cur, "compensation/list_order_credits", **span):
            self.orders[(row["rep_id"], quarter_of(row["order_date"]).start)].append(row)
        self.reversals: dict[tuple[int, dt.date], list[tuple[Reversal, dt.date | None]]] = (
            defaultdict(list)
        )
        for row in sql.fetch_all(cur, "compensation/list_order_reversals", **span):
            what = row["opportunity_name"] or row["customer_name"] or f"order {row['order_id']}"
            reversal = Reversal(
                kind=row["reversal_kind"],
                reversal_id=row["reversal_id"],
                order_id=row["order_id"],
                opportunity_id=row["opportunity_id"],
                event_date=row["event_date"],
                order_date=row["order_date"],
                amount=row["amount"],
                returned_before=row["returned_before"],
                order_total=row["order_total"],
                description=f"{what}" + (f" ({row['reason']})" if row["reason"] else ""),
            )
            self.reversals[(row["rep_id"], quarter_of(row["event_date"]).start)].append(
                (reversal, row["won_on"])
            )
        self.assignments: dict[tuple[int, dt.date], dict[str, Any]] = {}
        if chain:
            for row in sql.fetch_all(
                cur,
                "compensation/list_assignments",
                range_start=chain[0].start,
                range_end=chain[-1].end,
                only_rep_id=rep_id,
                **scope,
            ):
                self.assignments[(row["rep_id"], row["period_start"])] = row
        self.frozen = (
            _load_frozen(cur, scope, rep_id, closed[0].start, closed[-1].end) if closed else {}
        )
        self._earnings: dict[tuple[int, dt.date], Earnings | None] = {}

    def terms(self, rep_id: int, period: Period) -> tuple[PlanTerms, Decimal] | None:
        """The plan terms and quota that apply to a rep in a quarter (frozen when closed)."""
        if period.start in self.closed_starts:
            frozen = self.frozen.get((rep_id, period.start))
            if frozen is None or frozen.plan_id is None:
                return None
            return self.terms_by_version[(frozen.plan_id, frozen.plan_version)], frozen.quota
        assignment = self.assignments.get((rep_id, period.start))
        if assignment is None:
            return None
        terms = self.terms_by_version[(assignment["plan_id"], assignment["plan_version"])]
        return terms, assignment["quota"]

    def earnings(self, rep_id: int, period: Period) -> Earnings | None:
        """Commission and SPIFF lines of a rep in a quarter, as computed now."""
        key = (rep_id, period.start)
        if key not in self._earnings:
            applied = self.terms(rep_id, period)
            if applied is None:
                self._earnings[key] = None
            else:
                terms, quota = applied
                self._earnings[key] = compute_earnings(
                    terms, quota, self.credit_items(rep_id, period, terms.measure), self.won[key]
                )
        return self._earnings[key]

    def credit_items(self, rep_id: int, period: Period, measure: str) -> list[CreditItem]:
        """What counts towards attainment for a measure: won deals or orders."""
        key = (rep_id, period.start)
        if measure == "bookings":
            return self.deal_items[key]
        items = []
        for row in self.orders[key]:
            if measure == "invoiced" and row["order_status"] != "invoiced":
                continue
            if measure == "margin" and row["order_status"] == "cancelled":
                continue
            what = row["opportunity_name"] or row["customer_name"] or ""
            description = (
                f"{'Invoiced order' if measure == 'invoiced' else 'Order margin'} {row['order_id']}"
            )
            description += f" ({what})" if what else ""
            if measure == "margin" and row["lines_without_profit"]:
                description += (
                    f"; {row['lines_without_profit']} line(s) without profit count as zero"
                )
            items.append(
                CreditItem(
                    key=f"order:{row['order_id']}",
                    sort_id=row["order_id"],
                    credited_on=row["order_date"],
                    amount=row["sales_amount"] if measure == "invoiced" else row["profit"],
                    description=description,
                    opportunity_id=row["opportunity_id"],
                    order_id=row["order_id"],
                )
            )
        return items

    def paid_lines(
        self, rep_id: int, period: Period, computing: Period, current: Earnings | None
    ) -> Iterable[Line]:
        """What a rep's statement paid in a quarter, seen from the quarter being computed."""
        if period.start == computing.start:
            return current.lines if current else ()
        if period.start in self.closed_starts:
            frozen = self.frozen.get((rep_id, period.start))
            return frozen.lines if frozen else ()
        earned = self.earnings(rep_id, period)
        return earned.lines if earned else ()

    def clawbacks(self, rep_id: int, period: Period, current: Earnings | None) -> list[Line]:
        """Clawback lines for returns and cancellations dated in a quarter."""
        lines = []
        for reversal, won_on in self.reversals[(rep_id, period.start)]:
            sources: list[tuple[Period, Callable[[str], bool]]] = []
            if reversal.opportunity_id is not None and won_on is not None:
                deal = f"deal:{reversal.opportunity_id}"
                sources.append(
                    (
                        quarter_of(won_on),
                        lambda key, deal=deal: (
                            key == f"commission:{deal}"
                            or (key.startswith("spiff:") and key.endswith(f":{deal}"))
                        ),
                    )
                )
            order_key = f"commission:order:{reversal.order_id}"
            sources.append(
                (quarter_of(reversal.order_date), lambda key, order_key=order_key: key == order_key)
            )
            paid, paid_in = ZERO, []
            for source_period, matches in sources:
                applied = self.terms(rep_id, source_period)
                if applied is None or not reversal.within(applied[0].clawback_days):
                    continue
                amount = sum(
                    (
                        line.amount
                        for line in self.paid_lines(rep_id, source_period, period, current)
                        if matches(line.key)
                    ),
                    ZERO,
                )
                if amount:
                    paid += amount
                    paid_in.append(source_period.label)
            line = clawback_line(reversal, paid, " and ".join(dict.fromkeys(paid_in)))
            if line is not None:
                lines.append(line)
        return lines

    def recomputed_lines(self, rep_id: int, period: Period) -> list[Line]:
        """The commission, SPIFF and clawback lines of a closed quarter as they would be now."""
        earned = self.earnings(rep_id, period)
        return [*(earned.lines if earned else ()), *self.clawbacks(rep_id, period, earned)]

    def adjustments(self, rep_id: int) -> list[Line]:
        """Corrections of every closed quarter of a rep, net of corrections already paid."""
        already: dict[tuple[dt.date, str], Decimal] = defaultdict(lambda: ZERO)
        for (frozen_rep, _), frozen in self.frozen.items():
            if frozen_rep != rep_id:
                continue
            for line in frozen.lines:
                if line.kind == "adjustment" and line.source_period_start and line.source_line_key:
                    already[(line.source_period_start, line.source_line_key)] += line.amount
        lines = []
        for period in self.closed:
            frozen = self.frozen.get((rep_id, period.start))
            if frozen is None:
                continue
            before = {
                key: amount for (start, key), amount in already.items() if start == period.start
            }
            lines.extend(
                adjustment_lines(
                    period.start,
                    period.label,
                    self.recomputed_lines(rep_id, period),
                    frozen.lines,
                    before,
                )
            )
        return lines

    def opening_balance(self, rep_id: int) -> Decimal:
        """The draw balance a rep carries out of the last closed quarter."""
        for period in reversed(self.closed):
            frozen = self.frozen.get((rep_id, period.start))
            if frozen is not None:
                return frozen.draw_balance_after
        return ZERO


def _load_frozen(
    cur: duckdb.DuckDBPyConnection,
    scope: dict[str, Any],
    rep_id: int | None,
    start: dt.date,
    end: dt.date,
) -> dict[tuple[int, dt.date], Statement]:
    """Frozen statements (with their lines) of quarters starting in [start, end), by rep and quarter."""
    span = {"range_start": start, "range_end": end, "only_rep_id": rep_id, **scope}
    lines: dict[tuple[int, dt.date], list[Line]] = defaultdict(list)
    for row in sql.fetch_all(cur, "compensation/list_frozen_lines", **span):
        lines[(row["rep_id"], row["period_start"])].append(_line_from_row(row))
    return {
        (row["rep_id"], row["period_start"]): _statement_from_row(
            row, lines.get((row["rep_id"], row["period_start"]), [])
        )
        for row in sql.fetch_all(cur, "compensation/list_frozen_statements", **span)
    }


def _line_from_row(row: dict[str, Any]) -> Line:
    return Line(
        key=row["line_key"],
        kind=row["line_kind"],
        description=row["description"],
        amount=row["amount"],
        opportunity_id=row["opportunity_id"],
        order_id=row["order_id"],
        return_id=row["return_id"],
        event_date=row["event_date"],
        credit_amount=row["credit_amount"],
        attainment_before=row["attainment_before"],
        attainment_after=row["attainment_after"],
        rate_label=row["rate_label"],
        source_period_start=row["source_period_start"],
        source_line_key=row["source_line_key"],
        line_no=row["line_no"],
    )


def _statement_from_row(row: dict[str, Any], lines: list[Line]) -> Statement:
    return Statement(
        rep_id=row["rep_id"],
        rep_name=row["rep_name"],
        team_name=row["team_name"],
        period=Period(row["period_start"], row["period_end"]),
        status="closed",
        plan_id=row["plan_id"],
        plan_name=row["plan_name"],
        plan_version=row["plan_version"],
        measure=row["measure"],
        quota=row["quota"],
        target_incentive=row["target_incentive"],
        credited=row["credited_amount"],
        attainment=row["attainment"],
        tier_label=row["tier_label"],
        is_capped=row["is_capped"],
        base_salary=row["base_salary"],
        lines=tuple(lines),
        draw_balance_after=row["draw_balance_after"],
        content_hash=row["content_hash"],
        closed_at=row["closed_at"],
        statement_id=row["statement_id"],
    )


def closed_periods(cur: duckdb.DuckDBPyConnection) -> list[Period]:
    """The closed quarters, oldest first."""
    return [
        Period(row["period_start"], row["period_end"])
        for row in sql.fetch_all(cur, "compensation/list_closed_periods")
    ]


def assigned_periods(cur: duckdb.DuckDBPyConnection) -> list[Period]:
    """The quarters with at least one plan assignment, oldest first."""
    return [
        Period(row["period_start"], row["period_end"])
        for row in sql.fetch_all(cur, "compensation/list_assigned_quarters")
    ]


def first_open_quarter(cur: duckdb.DuckDBPyConnection) -> Period | None:
    """The quarter that takes corrections of closed quarters: the one after the last closed
    quarter, or the first quarter with an assignment when none is closed yet."""
    closed = closed_periods(cur)
    if closed:
        return next_quarter(closed[-1])
    assigned = assigned_periods(cur)
    return assigned[0] if assigned else None


def period_status(cur: duckdb.DuckDBPyConnection, period: Period) -> str:
    """'closed' for a closed quarter, else 'open'."""
    return "closed" if period.start in {p.start for p in closed_periods(cur)} else "open"


def compute_statements(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    rep_id: int | None = None,
) -> list[Statement]:
    """The statements of a quarter for the reps the viewer may see (or one rep): frozen for a
    closed quarter, computed from today's data for an open one."""
    require_role(viewer, STATEMENT_ROLES, "see compensation statements")
    period = quarter_from_start(period.start)
    scope = viewer.scope_params()
    if rep_id is not None:
        visible = {row["rep_id"] for row in sql.fetch_all(cur, "compensation/list_reps", **scope)}
        if rep_id not in visible:
            raise PermissionDenied(
                "You can see only your own statement."
                if viewer.role == "rep"
                else "That rep is outside your team; you cannot see their statement."
            )
    closed = closed_periods(cur)
    if period.start in {p.start for p in closed}:
        frozen = _load_frozen(cur, scope, rep_id, period.start, period.end)
        return sorted(frozen.values(), key=lambda s: (s.rep_name, s.rep_id))
    first_open = first_open_quarter(cur)
    if first_open is None or period.start < first_open.start:
        return []
    chain = quarters_between(first_open, period)
    ledger = Ledger(cur, scope, rep_id, closed, chain)
    return _compute_chain(ledger)[period.start]


def _compute_chain(ledger: Ledger) -> dict[dt.date, list[Statement]]:
    """Statements of every quarter of the open chain, in order (draw balances carry over)."""
    reps = set(ledger.reps) if ledger.rep_id is None else {ledger.rep_id} & set(ledger.reps)
    balances = {rep: ledger.opening_balance(rep) for rep in reps}
    result: dict[dt.date, list[Statement]] = {}
    for index, period in enumerate(ledger.chain):
        statements = []
        for rep in sorted(reps, key=lambda rep: (ledger.reps[rep]["rep_name"], rep)):
            statement = _open_statement(ledger, rep, period, index == 0, balances[rep])
            if statement is not None:
                balances[rep] = statement.draw_balance_after
                statements.append(statement)
        result[period.start] = statements
    return result


def _open_statement(
    ledger: Ledger, rep_id: int, period: Period, takes_corrections: bool, balance: Decimal
) -> Statement | None:
    applied = ledger.terms(rep_id, period)
    earned = ledger.earnings(rep_id, period)
    lines = [*(earned.lines if earned else ()), *ledger.clawbacks(rep_id, period, earned)]
    if takes_corrections:
        lines.extend(ledger.adjustments(rep_id))
    if applied is None and not lines:
        return None
    terms = applied[0] if applied else None
    earned_total = sum((line.amount for line in lines), ZERO)
    draws, balance_after = draw_lines(terms, earned_total, balance)
    lines.extend(draws)
    rep = ledger.reps[rep_id]
    notes = []
    if terms is None:
        notes.append("No plan is assigned for this quarter; only clawbacks and corrections apply.")
    return Statement(
        rep_id=rep_id,
        rep_name=rep["rep_name"],
        team_name=rep["team_name"],
        period=period,
        status="open",
        plan_id=terms.plan_id if terms else None,
        plan_name=terms.name if terms else None,
        plan_version=terms.version if terms else None,
        measure=terms.measure if terms else None,
        quota=_money(applied[1]) if applied else None,
        target_incentive=_money(terms.target_incentive) if terms else None,
        credited=_money(earned.credited) if earned else Decimal("0.00"),
        attainment=_ratio(earned.attainment) if earned else None,
        tier_label=earned.tier_label if earned else None,
        is_capped=bool(earned and earned.is_capped),
        base_salary=base_salary_for(rep["base_salary"], period),
        lines=number_lines(_normalise(line) for line in lines),
        draw_balance_after=_money(balance_after),
        notes=tuple(notes),
    )


def get_statement(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, rep_id: int, period: Period
) -> Statement | None:
    """One rep's statement for a quarter (None when the rep has none)."""
    found = compute_statements(cur, viewer, period, rep_id)
    return found[0] if found else None


def close_period(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> CloseResult:
    """Freeze every statement of a quarter that has ended; quarters close in order."""
    require_role(viewer, CLOSE_ROLES, "close compensation periods")
    today = today or dt.date.today()
    period = quarter_from_start(period.start)
    if period.end > today:
        raise ValidationError(
            f"{period.label} has not ended yet; it can be closed from {period.end}."
        )
    closed = closed_periods(cur)
    if period.start in {p.start for p in closed}:
        raise ValidationError(f"{period.label} is closed already.")
    expected = first_open_quarter(cur)
    if expected is None:
        raise ValidationError("Nothing to close: no plan is assigned to anyone yet.")
    if period.start != expected.start:
        raise ValidationError(
            f"Quarters close in order: close {expected.label} before {period.label}."
            if period.start > expected.start
            else f"{period.label} comes before the last closed quarter and has no statements."
        )
    report = progress or (lambda fraction, message: None)
    report(0.0, f"Working out the {period.label} statements")
    statements = compute_statements(cur, viewer, period)  # closers see everyone
    report(0.5, f"Freezing {len(statements)} statements")
    _freeze(cur, viewer, statements)
    total = sum((statement.total for statement in statements), ZERO)
    sql.execute(
        cur,
        "compensation/insert_period_close",
        quarter_start=period.start,
        quarter_end=period.end,
        statement_count=len(statements),
        total_amount=total,
        closed_by=viewer.user_id or None,
    )
    audit(
        cur,
        viewer,
        "close",
        "comp_period_closes",
        period.start.isoformat(),
        f"{period.label}: {len(statements)} statements, {format_money(total)}",
    )
    report(1.0, f"{period.label} closed")
    return CloseResult(period, len(statements), total)


# a line's field -> its statement-line column, where the names differ
_LINE_COLUMN_NAMES = {"key": "line_key", "kind": "line_kind"}
LINE_COLUMNS = ("statement_id", *(_LINE_COLUMN_NAMES.get(name, name) for name in LINE_FIELDS))


STATEMENT_COLUMNS = (
    "rep_id",
    "period_start",
    "period_end",
    "plan_id",
    "plan_version",
    "measure",
    "quota",
    "target_incentive",
    "credited_amount",
    "attainment",
    "tier_label",
    "is_capped",
    "base_salary",
    "commission",
    "spiffs",
    "clawbacks",
    "adjustments",
    "draw_advance",
    "draw_recovery",
    "total_amount",
    "draw_balance_after",
    "content_hash",
    "closed_by",
)


def _freeze(cur: duckdb.DuckDBPyConnection, viewer: Viewer, statements: list[Statement]) -> None:
    """Store statements with their lines and content hashes (one insert for each table)."""
    if not statements:
        return
    headers = []
    for statement in statements:
        totals = statement.totals
        headers.append(
            {
                **_header(statement),
                "credited_amount": statement.credited,
                "commission": totals["commission"],
                "spiffs": totals["spiff"],
                "clawbacks": totals["clawback"],
                "adjustments": totals["adjustment"],
                "draw_advance": totals["draw_advance"],
                "draw_recovery": totals["draw_recovery"],
                "total_amount": statement.total,
                "content_hash": statement_hash(statement),
                "closed_by": viewer.user_id or None,
            }
        )
    inserted = insert_rows(
        cur, "compensation/insert_statements", "comp_statement_rows", STATEMENT_COLUMNS, headers
    )
    ids = {row["rep_id"]: row["statement_id"] for row in inserted}
    line_rows = [
        {
            "statement_id": ids[statement.rep_id],
            **{_LINE_COLUMN_NAMES.get(name, name): getattr(line, name) for name in LINE_FIELDS},
        }
        for statement in statements
        for line in statement.lines
    ]
    if line_rows:
        insert_rows(
            cur, "compensation/insert_statement_lines", "comp_line_rows", LINE_COLUMNS, line_rows
        )


def verify_statement(statement: Statement) -> bool:
    """Whether a frozen statement's content still matches the hash taken when it was closed."""
    return statement.content_hash is not None and statement.content_hash == statement_hash(
        statement
    )


def list_closed_periods(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every closed quarter with its statement count, total, who closed it and when."""
    return sql.fetch_df(cur, "compensation/list_closed_periods")


def statement_lines_frame(statement: Statement) -> pd.DataFrame:
    """A statement's lines as a table (money stays Decimal)."""
    return pd.DataFrame(
        [
            {
                "Line": line.line_no,
                "Kind": LINE_KINDS[line.kind],
                "Description": line.description,
                "Date": line.event_date,
                "Deal": line.opportunity_id,
                "Order": line.order_id,
                "Return": line.return_id,
                "Credited": line.credit_amount,
                "Attainment before": line.attainment_before,
                "Attainment after": line.attainment_after,
                "Rate": line.rate_label,
                "Amount": line.amount,
                "Corrects": None
                if line.source_period_start is None
                else quarter_of(line.source_period_start).label,
                "Key": line.key,
            }
            for line in statement.lines
        ],
        columns=[
            "Line",
            "Kind",
            "Description",
            "Date",
            "Deal",
            "Order",
            "Return",
            "Credited",
            "Attainment before",
            "Attainment after",
            "Rate",
            "Amount",
            "Corrects",
            "Key",
        ],
    ).astype({"Line": "Int64", "Deal": "Int64", "Order": "Int64", "Return": "Int64"})


def statements_summary(statements: Iterable[Statement]) -> pd.DataFrame:
    """One row per statement: rep, plan, quota, attainment, tier and totals by kind."""
    rows = []
    for statement in statements:
        totals = statement.totals
        rows.append(
            {
                "rep_id": statement.rep_id,
                "Rep": statement.rep_name,
                "Team": statement.team_name,
                "Plan": None
                if statement.plan_name is None
                else f"{statement.plan_name} v{statement.plan_version}",
                "Quota": statement.quota,
                "Credited": statement.credited,
                "Attainment": statement.attainment,
                "Tier": statement.tier_label,
                "Capped": statement.is_capped,
                "Commission": totals["commission"],
                "SPIFFs": totals["spiff"],
                "Clawbacks": totals["clawback"],
                "Adjustments": totals["adjustment"],
                "Draws": totals["draw_advance"] + totals["draw_recovery"],
                "Total": statement.total,
                "Status": statement.status,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "rep_id",
            "Rep",
            "Team",
            "Plan",
            "Quota",
            "Credited",
            "Attainment",
            "Tier",
            "Capped",
            "Commission",
            "SPIFFs",
            "Clawbacks",
            "Adjustments",
            "Draws",
            "Total",
            "Status",
        ],
    )


# Disputes ---------------------------------------------------------------------------------


def raise_dispute(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    line_key: str,
    comment: str,
) -> int:
    """A rep flags a line of their own statement with a comment; returns the dispute id."""
    require_role(viewer, RAISE_DISPUTE_ROLES, "dispute statement lines (only reps flag their own)")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Say what is wrong with the line.")
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT} characters.")
    statement = get_statement(cur, viewer, viewer.rep_id, period)
    line = (
        next((line for line in statement.lines if line.key == line_key), None)
        if statement
        else None
    )
    if line is None:
        raise NotFoundError(f"Your {period.label} statement has no line {line_key!r}.")
    open_disputes = list_disputes(cur, viewer, period, viewer.rep_id)
    if ((open_disputes["line_key"] == line_key) & (open_disputes["status"] == "open")).any():
        raise ValidationError("This line is disputed already; wait for the reply.")
    row = sql.fetch_one(
        cur,
        "compensation/insert_dispute",
        rep_id=viewer.rep_id,
        quarter_start=period.start,
        line_key=line_key,
        line_description=line.description,
        line_amount=line.amount,
        statement_id=statement.statement_id,
        dispute_comment=comment,
        raised_by=viewer.user_id or None,
    )
    dispute_id = int(row["dispute_id"])
    audit(cur, viewer, "dispute", "comp_disputes", dispute_id, f"{period.label} {line_key}")
    return dispute_id


def resolve_dispute(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, dispute_id: int, outcome: str, reply: str
) -> None:
    """A manager (of the rep's team) or an admin answers an open dispute."""
    require_role(viewer, RESOLVE_DISPUTE_ROLES, "resolve disputes")
    if outcome not in ("accepted", "declined"):
        raise ValidationError("Choose whether the dispute is accepted or declined.")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError("Write a reply the rep can read.")
    if len(reply) > MAX_COMMENT:
        raise ValidationError(f"Keep the reply under {MAX_COMMENT} characters.")
    found = sql.fetch_all(
        cur,
        "compensation/list_disputes",
        range_start=dt.date(1900, 1, 1),
        range_end=dt.date(9999, 1, 1),
        only_rep_id=None,
        only_dispute_id=dispute_id,
        **viewer.scope_params(),
    )
    if not found:
        raise NotFoundError(f"There is no dispute {dispute_id} on your team's statements.")
    if found[0]["status"] != "open":
        raise ValidationError(f"Dispute {dispute_id} was resolved already.")
    sql.execute(
        cur,
        "compensation/insert_dispute_reply",
        dispute_id=dispute_id,
        outcome=outcome,
        reply=reply,
        replied_by=viewer.user_id or None,
    )
    audit(cur, viewer, f"resolve_{outcome}", "comp_disputes", dispute_id, reply[:200])


def list_disputes(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period | None = None,
    rep_id: int | None = None,
) -> pd.DataFrame:
    """Disputes on the statements the viewer may see (of a quarter, of a rep), newest first."""
    require_role(viewer, STATEMENT_ROLES, "see disputes")
    return sql.fetch_df(
        cur,
        "compensation/list_disputes",
        range_start=period.start if period else dt.date(1900, 1, 1),
        range_end=period.end if period else dt.date(9999, 1, 1),
        only_rep_id=rep_id,
        only_dispute_id=None,
        **viewer.scope_params(),
    )
