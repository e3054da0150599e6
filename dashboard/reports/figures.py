"""Pack figures: every section of every kind of pack, from deals, orders, goals and spend.

Deal figures come from dashboard.metrics (the same definitions as every page); order,
return, recurring-revenue, partner and jurisdiction figures from queries/reports. Each
builder returns one section (see dashboard.reports.model); compute_pack puts a pack together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from dashboard import Progress, metrics, sql
from dashboard.auth import Viewer
from dashboard.errors import ValidationError
from dashboard.reports import model
from dashboard.reports.definitions import RECURRING_TERM_MONTHS, definitions_for
from dashboard.reports.periods import ReportPeriod, one_year_before

PACK_KINDS = ("investor", "board", "partner", "government", "management")
PACK_TITLES = {
    "investor": "Investor pack",
    "board": "Board pack",
    "partner": "Partner pack",
    "government": "Government and regulatory pack",
    "management": "Management pack",
}
PACK_DESCRIPTIONS = {
    "investor": "Growth, revenue, recurring revenue, efficiency and concentration for investors.",
    "board": "The investor figures plus plan vs actual by division and productivity per rep.",
    "partner": "Partner-sourced and partner-influenced deals, bookings and win rate per partner.",
    "government": "Sales and returns by country, state and month for tax and statistics filings.",
    "management": "Plan vs actual by division, product and region for other departments.",
}
REPORTING_CURRENCY = "USD"
TREND_PERIODS = 5
TOP_CUSTOMERS = 10


@dataclass(frozen=True)
class PackScope:
    """Whose figures a pack holds: the whole company, or one team's subtree."""

    kind: str = "all"
    team_id: int | None = None
    label: str = "Company"

    def __post_init__(self) -> None:
        if self.kind not in ("all", "team"):
            raise ValueError(f"unknown pack scope {self.kind!r}")
        if (self.kind == "team") != (self.team_id is not None):
            raise ValueError("a team scope needs a team, the company scope none")

    def params(self) -> dict[str, Any]:
        """The bound scope parameters of every scoped query."""
        return {"scope_kind": self.kind, "scope_rep_id": None, "scope_team_id": self.team_id}

    def viewer(self) -> Viewer:
        """A viewer seeing exactly this scope, for the metrics functions."""
        return Viewer(
            user_id=0,
            email="pack-scope@localhost",
            display_name=self.label,
            role="executive" if self.kind == "all" else "manager",
            team_id=self.team_id,
        )

    @property
    def goal_scope(self) -> tuple[str, int | None]:
        return ("company", None) if self.kind == "all" else ("team", self.team_id)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return float(value)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _growth(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return (now - before) / before


def _growth_figure(
    key: str, label: str, now: float | None, before: float | None, against: ReportPeriod
) -> dict:
    """A growth figure from `before` (in the period `against`) to `now`, noting what it is against."""
    return model.figure(key, label, _growth(now, before), "ratio", note=f"vs {against.label}")


@dataclass
class PackContext:
    """What the builders share: the cursor, period, scope, today, and cached figure sets."""

    cur: duckdb.DuckDBPyConnection
    kind: str
    period: ReportPeriod
    scope: PackScope
    today: dt.date
    _cache: dict[tuple, Any] = field(default_factory=dict)

    @property
    def viewer(self) -> Viewer:
        return self.scope.viewer()

    @property
    def is_complete(self) -> bool:
        return self.period.end <= self.today

    @property
    def as_of(self) -> dt.datetime:
        """The instant the pipeline is read at: the period's end, or now while it runs."""
        return _midnight(min(self.period.end, self.today + dt.timedelta(days=1)))

    @property
    def reading(self) -> str:
        """When the pipeline figures were read, in words: at the period's end, or now."""
        return "at the end of the period" if self.is_complete else "now"

    def _cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def span(self, period: ReportPeriod) -> dict[str, dt.datetime]:
        return {"start": _midnight(period.start), "end": _midnight(period.end)}

    def kpis(self, period: ReportPeriod, by: str | None = None) -> dict[str, Any]:
        return self._cached(
            ("kpis", period, by),
            lambda: metrics.compute_kpis(
                self.cur, self.viewer, period.period, by=by, today=self.today
            ),
        )

    def orders(self, period: ReportPeriod) -> dict[str, Any]:
        return self._cached(
            ("orders", period),
            lambda: sql.fetch_one(
                self.cur, "reports/summarise_orders", **self.scope.params(), **self.span(period)
            ),
        )

    def returns(self, period: ReportPeriod) -> dict[str, Any]:
        return self._cached(
            ("returns", period),
            lambda: sql.fetch_one(
                self.cur, "reports/summarise_returns", **self.scope.params(), **self.span(period)
            ),
        )

    def net_revenue(self, period: ReportPeriod) -> float:
        return float(self.orders(period)["gross_sales"]) - float(
            self.returns(period)["return_amount"]
        )

    def plan(self, period: ReportPeriod) -> float | None:
        """The scope's bookings goal for a period (goals spread over their days)."""
        kind, scope_id = self.scope.goal_scope

        def compute() -> float | None:
            row = sql.fetch_one(
                self.cur,
                "reports/sum_goal",
                goal_scope_kind=kind,
                goal_scope_id=scope_id,
                **self.span(period),
            )
            return _float(row["plan"])

        return self._cached(("plan", period), compute)

    def open_due(self, before: dt.datetime, period: ReportPeriod) -> dict[str, Any]:
        return self._cached(
            ("open_due", before, period),
            lambda: sql.fetch_one(
                self.cur,
                "reports/sum_open_due_as_of",
                **self.scope.params(),
                before=before,
                due_start=_midnight(period.start),
                due_end=_midnight(period.end),
            ),
        )

    def arr_bridge(self, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
        return self._cached(
            ("arr", start, end),
            lambda: sql.fetch_one(
                self.cur,
                "reports/summarise_arr_bridge",
                **self.scope.params(),
                start=start,
                end=end,
                term_months=RECURRING_TERM_MONTHS,
            ),
        )

    def spend(self, period: ReportPeriod) -> dict[str, Any]:
        return self._cached(
            ("spend", period),
            lambda: sql.fetch_one(self.cur, "reports/summarise_spend", **self.span(period)),
        )

    def plan_vs_actual(self, dimension: str) -> pd.DataFrame:
        return self._cached(
            ("plan_vs_actual", dimension),
            lambda: sql.fetch_df(
                self.cur,
                "reports/summarise_plan_vs_actual",
                **self.scope.params(),
                **self.span(self.period),
                dimension=dimension,
            ),
        )


# --- investor and board -------------------------------------------------------------------


def _comparison_labels(period: ReportPeriod) -> tuple[str, str]:
    word = period.word
    short = {"quarter": "QoQ", "month": "MoM", "year": "YoY"}.get(period.kind, "PoP")
    return f"previous {word}", short


def build_sales(ctx: PackContext) -> dict:
    """Bookings, win rate, deal size and cycle, with growth and a five-period trend."""
    now = ctx.kpis(ctx.period)
    previous, year_ago = ctx.period.previous(), ctx.period.year_ago()
    before, year_before = ctx.kpis(previous), ctx.kpis(year_ago)
    previous_word, short = _comparison_labels(ctx.period)
    figures = [
        model.figure("bookings", "Bookings", now["bookings"], "money"),
        model.figure("won", "Won deals", now["won"], "count"),
        model.figure("lost", "Lost deals", now["lost"], "count"),
        model.figure("win_rate", "Win rate (count)", now["win_rate"], "ratio"),
        model.figure("win_rate_value", "Win rate (value)", now["win_rate_value"], "ratio"),
        model.figure("avg_deal_size", "Average deal size", now["avg_deal_size"], "money"),
        model.figure("cycle_days_median", "Sales cycle, median", now["cycle_days_median"], "days"),
        model.figure("cycle_days_mean", "Sales cycle, mean", now["cycle_days_mean"], "days"),
        model.figure("deals_created", "Deals created", now["deals"], "count"),
    ]
    if ctx.period.kind != "year":
        figures += [
            model.figure(
                "bookings_previous", f"Bookings, {previous_word}", before["bookings"], "money"
            ),
            _growth_figure(
                "bookings_growth_previous",
                f"Bookings growth ({short})",
                now["bookings"],
                before["bookings"],
                previous,
            ),
        ]
    figures += [
        model.figure(
            "bookings_year_ago", "Bookings, a year earlier", year_before["bookings"], "money"
        ),
        _growth_figure(
            "bookings_growth_yoy",
            "Bookings growth (YoY)",
            now["bookings"],
            year_before["bookings"],
            year_ago,
        ),
    ]
    trend_rows = []
    for back in range(TREND_PERIODS - 1, -1, -1):
        past = ctx.period.shifted(-back)
        figures_then = ctx.kpis(past)
        trend_rows.append(
            [
                past.label,
                figures_then["bookings"],
                figures_then["won"],
                figures_then["win_rate"],
                figures_then["avg_deal_size"],
                ctx.net_revenue(past),
            ]
        )
    trend = model.table(
        "trend",
        f"Last {TREND_PERIODS} {ctx.period.word}s",
        [
            model.column("period", "Period", "text"),
            model.column("bookings", "Bookings", "money"),
            model.column("won", "Won deals", "count"),
            model.column("win_rate", "Win rate", "ratio"),
            model.column("avg_deal_size", "Average deal size", "money"),
            model.column("net_revenue", "Net revenue", "money"),
        ],
        trend_rows,
    )
    return model.section(
        "sales",
        "Sales performance",
        figures,
        [trend],
        [
            model.chart(
                "trend_chart",
                "Bookings and net revenue",
                "bar",
                "trend",
                "period",
                ["bookings", "net_revenue"],
            )
        ],
    )


def _net_revenue_growth_yoy(ctx: PackContext, net: float) -> dict:
    """Net revenue growth on the same period a year earlier."""
    year_ago = ctx.period.year_ago()
    return _growth_figure(
        "net_revenue_growth_yoy",
        "Net revenue growth (YoY)",
        net,
        ctx.net_revenue(year_ago),
        year_ago,
    )


def build_revenue(ctx: PackContext) -> dict:
    """Revenue from orders less returns, profit, growth, and revenue by month."""
    orders, returned = ctx.orders(ctx.period), ctx.returns(ctx.period)
    gross = float(orders["gross_sales"])
    returns_amount = float(returned["return_amount"])
    net = gross - returns_amount
    profit = _float(orders["profit"])
    previous = ctx.period.previous()
    _, short = _comparison_labels(ctx.period)
    figures = [
        model.figure("gross_sales", "Gross sales", gross, "money"),
        model.figure("returns", "Returns", returns_amount, "money"),
        model.figure("net_revenue", "Net revenue", net, "money"),
        model.figure("gross_profit", "Gross profit", profit, "money"),
        model.figure("gross_margin", "Gross margin", _ratio(profit, gross), "ratio"),
        model.figure("orders", "Orders", orders["orders"], "count"),
        model.figure("customers", "Customers", orders["customers"], "count"),
        model.figure("return_rate", "Return rate", _ratio(returns_amount, gross), "ratio"),
    ]
    if ctx.period.kind != "year":
        figures.append(
            _growth_figure(
                "net_revenue_growth_previous",
                f"Net revenue growth ({short})",
                net,
                ctx.net_revenue(previous),
                previous,
            )
        )
    figures.append(_net_revenue_growth_yoy(ctx, net))
    by_month = sql.fetch_df(
        ctx.cur, "reports/revenue_by_month", **ctx.scope.params(), **ctx.span(ctx.period)
    )
    by_month["month"] = pd.to_datetime(by_month["month_start"]).dt.strftime("%Y-%m")
    table = model.table_from_frame(
        "by_month",
        "Revenue by month",
        by_month,
        [
            ("month", "Month", "text"),
            ("gross_sales", "Gross sales", "money"),
            ("return_amount", "Returns", "money"),
            ("net_revenue", "Net revenue", "money"),
        ],
    )
    notes = []
    if not orders["orders"]:
        notes.append("No orders are recorded for this period and scope.")
    return model.section(
        "revenue",
        "Revenue",
        figures,
        [table],
        [
            model.chart(
                "by_month_chart",
                "Revenue by month",
                "bar",
                "by_month",
                "month",
                ["gross_sales", "net_revenue"],
            )
        ],
        notes,
    )


def build_plan(ctx: PackContext) -> dict:
    """Plan vs actual and forecast for the period; pipeline coverage of the next period."""
    now = ctx.kpis(ctx.period)
    plan = ctx.plan(ctx.period)
    bookings = now["bookings"]
    if ctx.is_complete:
        forecast = bookings
    else:
        remaining = ctx.open_due(ctx.as_of, ctx.period)
        forecast = bookings + float(remaining["weighted_amount"])
    following = ctx.period.following()
    next_plan = ctx.plan(following)
    due = ctx.open_due(ctx.as_of, following)
    due_amount = float(due["amount"])
    figures = [
        model.figure("plan", "Plan (bookings goal)", plan, "money"),
        model.figure("bookings", "Bookings", bookings, "money"),
        model.figure("attainment", "Attainment", _ratio(bookings, plan), "ratio"),
        model.figure(
            "variance", "Variance to plan", None if plan is None else bookings - plan, "money"
        ),
        model.figure(
            "forecast",
            "Forecast",
            forecast,
            "money",
            note="actual: the period is over"
            if ctx.is_complete
            else "bookings + weighted pipeline due",
        ),
        model.figure("forecast_vs_plan", "Forecast / plan", _ratio(forecast, plan), "ratio"),
        model.figure("next_plan", f"Plan, {following.label}", next_plan, "money"),
        model.figure(
            "next_open_due",
            f"Open pipeline due in {following.label}",
            due_amount,
            "money",
            note=f"as the pipeline stood {ctx.reading}",
        ),
        model.figure(
            "next_open_deals", f"Open deals due in {following.label}", due["deals"], "count"
        ),
        model.figure(
            "next_weighted",
            f"Weighted pipeline due in {following.label}",
            due["weighted_amount"],
            "money",
        ),
        model.figure(
            "next_commit", f"Commit due in {following.label}", due["commit_amount"], "money"
        ),
        model.figure(
            "next_coverage",
            f"Pipeline coverage, {following.label}",
            metrics.coverage(due_amount, next_plan, 0.0),
            "multiple",
        ),
        model.figure(
            "next_forecast_vs_plan",
            f"Weighted pipeline / plan, {following.label}",
            _ratio(float(due["weighted_amount"]), next_plan),
            "ratio",
        ),
    ]
    divisions = ctx.plan_vs_actual("division")
    table = model.table_from_frame(
        "by_division",
        "Plan vs actual by division",
        divisions,
        [
            ("unit_name", "Division", "text"),
            ("plan", "Plan", "money"),
            ("bookings", "Bookings", "money"),
            ("variance", "Variance", "money"),
            ("attainment", "Attainment", "ratio"),
        ],
    )
    notes = [] if plan is not None else ["No bookings goal is set for this scope and period."]
    return model.section(
        "plan",
        "Plan, forecast and pipeline coverage",
        figures,
        [table],
        [
            model.chart(
                "by_division_chart",
                "Plan vs actual by division",
                "bar",
                "by_division",
                "unit_name",
                ["plan", "bookings"],
            )
        ],
        notes,
    )


def build_customers(ctx: PackContext) -> dict:
    """Top-customer concentration of gross sales."""
    top = sql.fetch_df(
        ctx.cur,
        "reports/top_customers",
        **ctx.scope.params(),
        **ctx.span(ctx.period),
        limit=TOP_CUSTOMERS,
    )

    def share_of_top(count: int) -> float | None:
        if top.empty:
            return None
        return _float(top["cumulative_share"].iloc[min(count, len(top)) - 1])

    customers = int(top["customer_count"].iloc[0]) if len(top) else 0
    figures = [
        model.figure("customers", "Customers with sales", customers, "count"),
        model.figure("top1_share", "Largest customer's share", share_of_top(1), "ratio"),
        model.figure("top5_share", "Top 5 customers' share", share_of_top(5), "ratio"),
        model.figure("top10_share", "Top 10 customers' share", share_of_top(10), "ratio"),
    ]
    table = model.table_from_frame(
        "top_customers",
        f"Top {TOP_CUSTOMERS} customers by gross sales",
        top,
        [
            ("customer_rank", "Rank", "count"),
            ("customer", "Customer", "text"),
            ("gross_sales", "Gross sales", "money"),
            ("share", "Share", "ratio"),
            ("cumulative_share", "Cumulative share", "ratio"),
        ],
    )
    return model.section(
        "customers",
        "Customer concentration",
        figures,
        [table],
        [
            model.chart(
                "top_customers_chart",
                "Share of gross sales, largest customers",
                "hbar",
                "top_customers",
                "customer",
                ["share"],
                unit="ratio",
            )
        ],
    )


def build_returns(ctx: PackContext) -> dict:
    """Returns in the period: amount, count, rate, by reason."""
    returned = ctx.returns(ctx.period)
    gross = float(ctx.orders(ctx.period)["gross_sales"])
    amount = float(returned["return_amount"])
    figures = [
        model.figure("return_amount", "Returns", amount, "money"),
        model.figure("returns", "Return records", returned["returns"], "count"),
        model.figure(
            "orders_returned", "Orders with returns", returned["orders_returned"], "count"
        ),
        model.figure("return_rate", "Return rate", _ratio(amount, gross), "ratio"),
    ]
    reasons = sql.fetch_df(
        ctx.cur, "reports/returns_by_reason", **ctx.scope.params(), **ctx.span(ctx.period)
    )
    table = model.table_from_frame(
        "by_reason",
        "Returns by reason",
        reasons,
        [
            ("reason", "Reason", "text"),
            ("returns", "Returns", "count"),
            ("return_amount", "Amount", "money"),
        ],
    )
    return model.section("returns", "Returns", figures, [table])


def build_recurring(ctx: PackContext) -> dict:
    """MRR/ARR bridge and NRR/GRR, where deals are marked recurring."""
    start, end = _midnight(ctx.period.start), _midnight(ctx.period.end)
    bridge = ctx.arr_bridge(start, end)
    if not bridge["recurring_deals"]:
        return model.section(
            "recurring",
            "Recurring revenue",
            notes=["No won deal in this scope is marked recurring, so there is no ARR to report."],
        )
    values = {
        key: float(bridge[key])
        for key in (
            "arr_start",
            "new_arr",
            "expansion_arr",
            "contraction_arr",
            "churned_arr",
            "arr_end",
        )
    }
    cohort = ctx.arr_bridge(_midnight(one_year_before(ctx.period.end)), end)
    cohort_start = float(cohort["arr_start"])
    nrr = _ratio(float(cohort["arr_end"]) - float(cohort["new_arr"]), cohort_start)
    grr = _ratio(
        cohort_start - float(cohort["contraction_arr"]) - float(cohort["churned_arr"]), cohort_start
    )
    net_new = values["arr_end"] - values["arr_start"]
    figures = [
        model.figure("arr_start", "ARR at start", values["arr_start"], "money"),
        model.figure("new_arr", "New ARR", values["new_arr"], "money"),
        model.figure("expansion_arr", "Expansion ARR", values["expansion_arr"], "money"),
        model.figure("contraction_arr", "Contraction ARR", values["contraction_arr"], "money"),
        model.figure("churned_arr", "Churned ARR", values["churned_arr"], "money"),
        model.figure("arr_end", "ARR at end", values["arr_end"], "money"),
        model.figure("net_new_arr", "Net new ARR", net_new, "money"),
        model.figure("mrr_start", "MRR at start", values["arr_start"] / 12, "money"),
        model.figure("mrr_end", "MRR at end", values["arr_end"] / 12, "money"),
        model.figure(
            "customers_start", "Recurring customers at start", bridge["customers_start"], "count"
        ),
        model.figure(
            "customers_end", "Recurring customers at end", bridge["customers_end"], "count"
        ),
        model.figure("customers_new", "New recurring customers", bridge["customers_new"], "count"),
        model.figure(
            "customers_churned", "Churned customers", bridge["customers_churned"], "count"
        ),
        model.figure("nrr", "NRR (12 months)", nrr, "ratio"),
        model.figure("grr", "GRR (12 months)", grr, "ratio"),
    ]
    steps = [
        ("Start", values["arr_start"]),
        ("New", values["new_arr"]),
        ("Expansion", values["expansion_arr"]),
        ("Contraction", -values["contraction_arr"]),
        ("Churn", -values["churned_arr"]),
        ("End", values["arr_end"]),
    ]
    table = model.table(
        "bridge",
        "ARR bridge",
        [
            model.column("step", "Step", "text"),
            model.column("arr", "ARR", "money"),
            model.column("mrr", "MRR", "money"),
        ],
        [[name, amount, amount / 12] for name, amount in steps],
    )
    return model.section(
        "recurring",
        "Recurring revenue",
        figures,
        [table],
        [model.chart("bridge_chart", "ARR bridge", "waterfall", "bridge", "step", ["arr"])],
        [
            f"A recurring deal's amount is annual revenue for {RECURRING_TERM_MONTHS} months "
            "from its close; start + new + expansion - contraction - churn = end."
        ],
    )


def build_efficiency(ctx: PackContext) -> dict:
    """CAC, CAC payback and magic number, where sales and marketing spend is entered."""
    title = "Sales efficiency"
    if ctx.scope.kind != "all":
        return model.section(
            "efficiency",
            title,
            notes=[
                "Sales & marketing spend is entered for the company, so it shows in company packs only."
            ],
        )
    spend, previous_spend = ctx.spend(ctx.period), ctx.spend(ctx.period.previous())
    if not spend["entries"] and not previous_spend["entries"]:
        return model.section(
            "efficiency",
            title,
            notes=[
                f"No sales & marketing spend is entered for {ctx.period.label} or the period "
                "before; enter it on the Reports page (Partners & spend) to see CAC and the "
                "magic number."
            ],
        )
    total = float(spend["total_spend"])
    previous_total = float(previous_spend["total_spend"])
    new_customers = sql.fetch_one(
        ctx.cur, "reports/count_new_customers", **ctx.scope.params(), **ctx.span(ctx.period)
    )["new_customers"]
    bridge = ctx.arr_bridge(_midnight(ctx.period.start), _midnight(ctx.period.end))
    added_mrr = (float(bridge["new_arr"]) + float(bridge["expansion_arr"])) / 12
    net_new_arr = float(bridge["arr_end"]) - float(bridge["arr_start"])
    figures = [
        model.figure("sales_spend", "Sales spend", spend["sales_spend"], "money"),
        model.figure("marketing_spend", "Marketing spend", spend["marketing_spend"], "money"),
        model.figure("sm_spend", "Sales & marketing spend", total, "money"),
        model.figure(
            "sm_spend_previous", "Sales & marketing spend, previous period", previous_total, "money"
        ),
        model.figure("new_customers", "New customers", new_customers, "count"),
        model.figure("cac", "CAC", _ratio(total, new_customers) if total else None, "money"),
        model.figure(
            "cac_payback_months",
            "CAC payback",
            _ratio(total, added_mrr) if total and bridge["recurring_deals"] else None,
            "months",
        ),
        model.figure(
            "magic_number",
            "Magic number",
            _ratio(net_new_arr, previous_total) if bridge["recurring_deals"] else None,
            "multiple",
        ),
    ]
    notes = []
    if not bridge["recurring_deals"]:
        notes.append(
            "CAC payback and magic number need recurring deals; none are marked recurring."
        )
    if not previous_spend["entries"]:
        notes.append("No spend is entered for the previous period, so there is no magic number.")
    return model.section("efficiency", title, figures, notes=notes)


def build_team(ctx: PackContext) -> dict:
    """Headcount and productivity per rep (board packs name every rep)."""
    reps = sql.fetch_df(
        ctx.cur, "reports/list_reps_in_scope", **ctx.scope.params(), end=_midnight(ctx.period.end)
    )
    headcount = int(reps["is_counted"].sum()) if len(reps) else 0
    now = ctx.kpis(ctx.period)
    attainment = metrics.load_attainment(ctx.cur, ctx.viewer, ctx.period.period, "rep")
    with_goal = attainment[attainment["goal"].notna()]
    at_goal = int((with_goal["attainment"].fillna(0) >= 1).sum())
    figures = [
        model.figure("headcount", "Headcount (reps)", headcount, "count"),
        model.figure(
            "bookings_per_rep", "Bookings per rep", _ratio(now["bookings"], headcount), "money"
        ),
        model.figure("won_per_rep", "Won deals per rep", _ratio(now["won"], headcount), "number"),
        model.figure(
            "net_revenue_per_rep",
            "Net revenue per rep",
            _ratio(ctx.net_revenue(ctx.period), headcount),
            "money",
        ),
        model.figure("reps_with_goal", "Reps with a goal", len(with_goal), "count"),
        model.figure("reps_at_goal", "Reps at or above goal", at_goal, "count"),
        model.figure(
            "share_at_goal",
            "Share of reps at or above goal",
            _ratio(at_goal, len(with_goal)),
            "ratio",
        ),
    ]
    tables, charts = [], []
    if ctx.kind == "board":
        by_owner = {
            group["key"]: group for group in ctx.kpis(ctx.period, "owner").get("groups", [])
        }
        merged = reps.merge(
            attainment[["unit_id", "won", "bookings", "goal", "attainment"]],
            left_on="rep_id",
            right_on="unit_id",
            how="left",
        )
        merged = merged[merged["is_counted"] | (merged["bookings"].fillna(0) > 0)]
        merged["win_rate"] = [
            by_owner.get(name, {}).get("win_rate") for name in merged["full_name"]
        ]
        merged = merged.sort_values(["bookings", "full_name"], ascending=[False, True])
        tables.append(
            model.table_from_frame(
                "per_rep",
                "Productivity per rep",
                merged,
                [
                    ("full_name", "Rep", "text"),
                    ("team_name", "Team", "text"),
                    ("hire_date", "Hired", "date"),
                    ("won", "Won deals", "count"),
                    ("bookings", "Bookings", "money"),
                    ("win_rate", "Win rate", "ratio"),
                    ("goal", "Goal", "money"),
                    ("attainment", "Attainment", "ratio"),
                ],
            )
        )
    else:
        teams = metrics.load_attainment(ctx.cur, ctx.viewer, ctx.period.period, "team")
        counted = reps[reps["is_counted"]].groupby("team_name").size().rename("reps")
        teams = teams.merge(counted, left_on="unit_name", right_index=True, how="left")
        teams["reps"] = teams["reps"].fillna(0).astype(int)
        teams["per_rep"] = teams["bookings"] / teams["reps"].where(teams["reps"] > 0)
        teams = teams.sort_values(["bookings", "unit_name"], ascending=[False, True])
        tables.append(
            model.table_from_frame(
                "per_team",
                "Productivity per team",
                teams,
                [
                    ("unit_name", "Team", "text"),
                    ("reps", "Reps", "count"),
                    ("bookings", "Bookings", "money"),
                    ("per_rep", "Bookings per rep", "money"),
                    ("attainment", "Attainment", "ratio"),
                ],
            )
        )
        charts.append(
            model.chart(
                "per_team_chart",
                "Bookings per rep by team",
                "hbar",
                "per_team",
                "unit_name",
                ["per_rep"],
            )
        )
    return model.section("team", "Headcount and productivity", figures, tables, charts)


# --- partner -------------------------------------------------------------------------------


def build_partner_summary(ctx: PackContext) -> dict:
    """Partner-sourced and partner-influenced bookings against all bookings."""
    now = ctx.kpis(ctx.period)
    totals = {
        row["involvement"]: row
        for row in sql.fetch_all(
            ctx.cur,
            "reports/summarise_partner_totals",
            **ctx.scope.params(),
            **ctx.span(ctx.period),
        )
    }
    sources = {group["key"]: group for group in ctx.kpis(ctx.period, "source").get("groups", [])}
    figures = [model.figure("bookings", "Bookings, all deals", now["bookings"], "money")]
    for involvement in ("sourced", "influenced"):
        row = totals.get(involvement, {})
        won, lost = int(row.get("won") or 0), int(row.get("lost") or 0)
        bookings = float(row.get("bookings") or 0)
        figures += [
            model.figure(
                f"{involvement}_bookings", f"Partner-{involvement} bookings", bookings, "money"
            ),
            model.figure(
                f"{involvement}_share",
                f"Partner-{involvement} share of bookings",
                _ratio(bookings, now["bookings"]),
                "ratio",
            ),
            model.figure(f"{involvement}_won", f"Partner-{involvement} won deals", won, "count"),
            model.figure(
                f"{involvement}_win_rate",
                f"Partner-{involvement} win rate",
                _ratio(won, won + lost),
                "ratio",
            ),
            model.figure(
                f"{involvement}_created",
                f"Partner-{involvement} deals created",
                row.get("deals_created") or 0,
                "count",
            ),
        ]
    referral = sources.get("Referral", {})
    figures += [
        model.figure(
            "referral_bookings", "Referral bookings", referral.get("bookings", 0.0), "money"
        ),
        model.figure("referral_win_rate", "Referral win rate", referral.get("win_rate"), "ratio"),
    ]
    source_rows = [
        [
            group["key"],
            group["won"],
            group["lost"],
            group["win_rate"],
            group["bookings"],
            _ratio(group["bookings"], now["bookings"]),
            group["avg_deal_size"],
        ]
        for group in sorted(sources.values(), key=lambda group: (-group["bookings"], group["key"]))
    ]
    table = model.table(
        "by_source",
        "Bookings by lead source",
        [
            model.column("source", "Lead source", "text"),
            model.column("won", "Won", "count"),
            model.column("lost", "Lost", "count"),
            model.column("win_rate", "Win rate", "ratio"),
            model.column("bookings", "Bookings", "money"),
            model.column("share", "Share", "ratio"),
            model.column("avg_deal_size", "Average deal size", "money"),
        ],
        source_rows,
    )
    return model.section(
        "partner_summary",
        "Partner contribution",
        figures,
        [table],
        [
            model.chart(
                "by_source_chart",
                "Bookings by lead source",
                "bar",
                "by_source",
                "source",
                ["bookings"],
            )
        ],
    )


def build_partner_detail(ctx: PackContext) -> dict:
    """Per partner and involvement: deals, won, lost, win rate, bookings, open pipeline."""
    rows = sql.fetch_df(
        ctx.cur,
        "reports/summarise_partner_deals",
        **ctx.scope.params(),
        **ctx.span(ctx.period),
        before=ctx.as_of,
    )
    rows["win_rate"] = [
        _ratio(won, won + lost) for won, lost in zip(rows["won"], rows["lost"], strict=True)
    ]
    columns = [
        ("partner_name", "Partner", "text"),
        ("involvement", "Involvement", "text"),
        ("deals_created", "Deals created", "count"),
        ("won", "Won", "count"),
        ("lost", "Lost", "count"),
        ("win_rate", "Win rate", "ratio"),
        ("bookings", "Bookings", "money"),
        ("open_deals", "Open deals", "count"),
        ("open_pipeline", "Open pipeline", "money"),
    ]
    notes = []
    if rows["partner_id"].notna().sum() == 0:
        notes.append(
            "No deal is linked to a named partner yet; link deals to partners on the Reports page "
            "(Partners & spend) or upload a CSV of links."
        )
    notes.append(f"Open deals and pipeline as they stood {ctx.reading}.")
    sourced = rows[rows["involvement"] == "sourced"]
    influenced = rows[rows["involvement"] == "influenced"]
    return model.section(
        "partners",
        "Per partner",
        tables=[
            model.table_from_frame(
                "sourced", "Partner-sourced deals", sourced, columns, key_columns=2
            ),
            model.table_from_frame(
                "influenced", "Partner-influenced deals", influenced, columns, key_columns=2
            ),
        ],
        charts=[
            model.chart(
                "sourced_chart",
                "Partner-sourced bookings",
                "hbar",
                "sourced",
                "partner_name",
                ["bookings"],
            ),
        ],
        notes=notes,
    )


# --- government ----------------------------------------------------------------------------


def _jurisdictions(ctx: PackContext, level: str) -> pd.DataFrame:
    frame = sql.fetch_df(
        ctx.cur,
        "reports/sales_by_jurisdiction",
        **ctx.scope.params(),
        **ctx.span(ctx.period),
        jurisdiction_level=level,
    )
    frame["month"] = pd.to_datetime(frame["month_start"]).dt.strftime("%Y-%m")
    return frame


_JURISDICTION_FIGURES = [
    ("orders", "Orders", "count"),
    ("quantity", "Units", "number"),
    ("gross_sales", "Gross sales", "money"),
    ("returns", "Returns (records)", "count"),
    ("return_amount", "Returns", "money"),
    ("net_sales", "Net sales", "money"),
]
_COUNTRY = ("country", "Country", "text")
_STATE = ("state", "State / province", "text")


def _jurisdiction_table(
    key: str, title: str, frame: pd.DataFrame, places: list[tuple[str, str, str]]
) -> dict:
    """Sales and returns per place: the place columns (the table's keys), then the figures."""
    return model.table_from_frame(
        key, title, frame, [*places, *_JURISDICTION_FIGURES], key_columns=len(places)
    )


def build_government_summary(ctx: PackContext) -> dict:
    """Totals and sales and returns per country."""
    countries = _jurisdictions(ctx, "country")
    states = _jurisdictions(ctx, "state")
    gross = float(countries["gross_sales"].sum()) if len(countries) else 0.0
    returns_amount = float(countries["return_amount"].sum()) if len(countries) else 0.0
    figures = [
        model.figure("gross_sales", "Gross sales", gross, "money"),
        model.figure("return_amount", "Returns", returns_amount, "money"),
        model.figure("net_sales", "Net sales", gross - returns_amount, "money"),
        model.figure("orders", "Orders", ctx.orders(ctx.period)["orders"], "count"),
        model.figure("quantity", "Units sold", ctx.orders(ctx.period)["quantity"], "number"),
        model.figure("countries", "Countries", len(countries), "count"),
        model.figure("jurisdictions", "States and provinces", len(states), "count"),
    ]
    table = _jurisdiction_table("by_country", "Sales and returns by country", countries, [_COUNTRY])
    return model.section(
        "government",
        "Sales and returns by country",
        figures,
        [table],
        [
            model.chart(
                "by_country_chart",
                "Net sales by country",
                "hbar",
                "by_country",
                "country",
                ["net_sales"],
            )
        ],
        [
            f"Amounts in {REPORTING_CURRENCY} as recorded, to 4 decimals. Sales by order date at "
            "the order's address; returns by returned date at the address of the order returned."
        ],
    )


def build_government_states(ctx: PackContext) -> dict:
    """Sales and returns per country and state or province."""
    states = _jurisdictions(ctx, "state")
    table = _jurisdiction_table(
        "by_state", "Sales and returns by state or province", states, [_COUNTRY, _STATE]
    )
    ordered = states.sort_values(["net_sales", "country", "state"], ascending=[False, True, True])
    top = ordered.head(15)
    top = top.assign(
        place=[
            country if state == "(unknown)" else f"{state}, {country}"
            for state, country in zip(top["state"], top["country"], strict=True)
        ]
    )
    top_table = model.table_from_frame(
        "top_states",
        "Largest 15 states or provinces by net sales",
        top,
        [
            ("place", "Place", "text"),
            _STATE,
            _COUNTRY,
            ("net_sales", "Net sales", "money"),
        ],
        key_columns=3,
    )
    return model.section(
        "states",
        "Sales and returns by state or province",
        tables=[table, top_table],
        charts=[
            model.chart(
                "top_states_chart",
                "Largest states or provinces by net sales",
                "hbar",
                "top_states",
                "place",
                ["net_sales"],
            )
        ],
    )


def build_government_monthly(ctx: PackContext) -> dict:
    """Sales and returns per country, state and month (the filing grid)."""
    monthly = _jurisdictions(ctx, "state_month")
    table = _jurisdiction_table(
        "by_state_month",
        "Sales and returns by state and month",
        monthly,
        [_COUNTRY, _STATE, ("month", "Month", "text")],
    )
    return model.section("monthly", "By state and month", tables=[table])


# --- management ----------------------------------------------------------------------------

_PLAN_COLUMNS = [
    ("plan", "Plan", "money"),
    ("won", "Won deals", "count"),
    ("bookings", "Bookings", "money"),
    ("variance", "Variance", "money"),
    ("attainment", "Attainment", "ratio"),
]


def _revenue_by(ctx: PackContext, dimension: str) -> pd.DataFrame:
    prior = ctx.period.year_ago()
    return sql.fetch_df(
        ctx.cur,
        "reports/revenue_by_dimension",
        **ctx.scope.params(),
        **ctx.span(ctx.period),
        prior_start=_midnight(prior.start),
        prior_end=_midnight(prior.end),
        revenue_dimension=dimension,
    )


_REVENUE_COLUMNS = [
    ("orders", "Orders", "count"),
    ("quantity", "Units", "number"),
    ("gross_sales", "Gross sales", "money"),
    ("profit", "Profit", "money"),
    ("prior_gross_sales", "Gross sales a year earlier", "money"),
    ("growth", "Growth (YoY)", "ratio"),
]


def build_management_summary(ctx: PackContext) -> dict:
    """Plan vs actual for the whole scope, and revenue."""
    now = ctx.kpis(ctx.period)
    plan = ctx.plan(ctx.period)
    net = ctx.net_revenue(ctx.period)
    orders = ctx.orders(ctx.period)
    figures = [
        model.figure("plan", "Plan (bookings goal)", plan, "money"),
        model.figure("bookings", "Bookings", now["bookings"], "money"),
        model.figure(
            "variance",
            "Variance to plan",
            None if plan is None else now["bookings"] - plan,
            "money",
        ),
        model.figure("attainment", "Attainment", _ratio(now["bookings"], plan), "ratio"),
        model.figure("win_rate", "Win rate (count)", now["win_rate"], "ratio"),
        model.figure("gross_sales", "Gross sales", orders["gross_sales"], "money"),
        model.figure("gross_profit", "Gross profit", orders["profit"], "money"),
        model.figure("net_revenue", "Net revenue", net, "money"),
        _net_revenue_growth_yoy(ctx, net),
    ]
    return model.section("summary", "Summary", figures)


def _plan_table(key: str, title: str, frame: pd.DataFrame, unit_label: str) -> dict:
    """Plan vs actual per unit (plan_vs_actual rows), the unit's column labelled `unit_label`."""
    return model.table_from_frame(
        key, title, frame, [("unit_name", unit_label, "text"), *_PLAN_COLUMNS]
    )


def build_management_divisions(ctx: PackContext) -> dict:
    """Plan vs actual per division (region) and per team."""
    return model.section(
        "divisions",
        "Plan vs actual by division",
        tables=[
            _plan_table("by_division", "By division", ctx.plan_vs_actual("division"), "Division"),
            _plan_table("by_team", "By team", ctx.plan_vs_actual("team"), "Team"),
        ],
        charts=[
            model.chart(
                "by_team_chart",
                "Plan vs actual by team",
                "bar",
                "by_team",
                "unit_name",
                ["plan", "bookings"],
            )
        ],
    )


def _plan_and_revenue_section(
    ctx: PackContext,
    key: str,
    title: str,
    plan_by: tuple[str, str, str],
    revenue_by: tuple[str, str, str],
    chart: dict,
) -> dict:
    """Bookings plan vs actual per unit beside order revenue per dimension value.

    plan_by is (plan_vs_actual dimension, column label, words for the unit); revenue_by is
    (revenue_by_dimension dimension, column label, words for the dimension).
    """
    plan_dimension, unit_label, unit_words = plan_by
    revenue_dimension, value_label, value_words = revenue_by
    plans = ctx.plan_vs_actual(plan_dimension)
    revenue = _revenue_by(ctx, revenue_dimension)
    notes = []
    if plans["plan"].isna().all():
        notes.append(f"No bookings goals are set per {unit_words}, so the plan column is empty.")
    return model.section(
        key,
        title,
        tables=[
            _plan_table(f"by_{plan_dimension}", f"Bookings by {unit_words}", plans, unit_label),
            model.table_from_frame(
                f"revenue_by_{revenue_dimension}",
                f"Revenue by {value_words}",
                revenue,
                [("dimension_value", value_label, "text"), *_REVENUE_COLUMNS],
            ),
        ],
        charts=[chart],
        notes=notes,
    )


def build_management_products(ctx: PackContext) -> dict:
    """Plan vs actual per product, and revenue per product category."""
    return _plan_and_revenue_section(
        ctx,
        "products",
        "Plan vs actual by product",
        ("product", "Product", "product"),
        ("category", "Category", "product category"),
        model.chart(
            "by_product_chart",
            "Bookings by product",
            "hbar",
            "by_product",
            "unit_name",
            ["bookings"],
        ),
    )


def build_management_regions(ctx: PackContext) -> dict:
    """Plan vs actual per territory region, and revenue per sales region of the orders."""
    return _plan_and_revenue_section(
        ctx,
        "regions",
        "Plan vs actual by region",
        ("territory", "Region", "territory region"),
        ("region", "Sales region", "sales region (orders)"),
        model.chart(
            "revenue_by_region_chart",
            "Gross sales by sales region",
            "bar",
            "revenue_by_region",
            "dimension_value",
            ["gross_sales", "prior_gross_sales"],
        ),
    )


# --- packs ---------------------------------------------------------------------------------

Builder = Callable[[PackContext], dict]
_INVESTOR: list[tuple[str, Builder]] = [
    ("Sales performance", build_sales),
    ("Revenue", build_revenue),
    ("Plan and pipeline", build_plan),
    ("Recurring revenue", build_recurring),
    ("Sales efficiency", build_efficiency),
    ("Customer concentration", build_customers),
    ("Returns", build_returns),
    ("Headcount and productivity", build_team),
]
SECTION_BUILDERS: dict[str, list[tuple[str, Builder]]] = {
    "investor": _INVESTOR,
    "board": _INVESTOR,
    "partner": [
        ("Partner contribution", build_partner_summary),
        ("Per partner", build_partner_detail),
    ],
    "government": [
        ("By country", build_government_summary),
        ("By state", build_government_states),
        ("By state and month", build_government_monthly),
    ],
    "management": [
        ("Summary", build_management_summary),
        ("Divisions", build_management_divisions),
        ("Products", build_management_products),
        ("Regions", build_management_regions),
    ],
}


def compute_pack(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    period: ReportPeriod,
    scope: PackScope = PackScope(),
    today: dt.date | None = None,
    title: str | None = None,
    progress: Progress | None = None,
) -> dict:
    """Every figure of a pack of `kind` for a period and scope, as a JSON-ready dict."""
    if kind not in PACK_KINDS:
        raise ValidationError(f"unknown pack {kind!r}; choose one of {', '.join(PACK_KINDS)}")
    report = progress or (lambda fraction, message: None)
    ctx = PackContext(cur, kind, period, scope, today or dt.date.today())
    builders = SECTION_BUILDERS[kind]
    sections = []
    for number, (label, builder) in enumerate(builders):
        report(number / len(builders), f"Computing {label.lower()}")
        sections.append(builder(ctx))
    report(1.0, "Figures ready")
    return {
        "schema": model.SCHEMA_VERSION,
        "pack": {
            "kind": kind,
            "title": title or f"{PACK_TITLES[kind]} {period.label}",
            "period": period.label,
            "period_kind": period.kind,
            "period_start": period.start.isoformat(),
            "period_end": period.last_day.isoformat(),
            "scope": scope.label,
            "currency": REPORTING_CURRENCY,
        },
        "sections": sections,
        "definitions": definitions_for(kind),
    }
