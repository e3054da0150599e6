"""Capacity (the reverse funnel) and demand: what a goal needs, from the scope's own history.

From the last four complete quarters of a scope (win rate, average deal size, stage
conversion, cycle length, activities per won deal, bookings per rep) a goal is turned into the
pipeline, opportunities, activities and headcount it needs, and compared with the open
pipeline expected to close in the period. The demand view sets expected bookings per product
and month from the open pipeline next to last year's and the trailing average.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from dashboard import goals, sql
from dashboard.auth import Viewer
from dashboard.errors import PermissionDenied, ValidationError

HISTORY_QUARTERS = 4
CAPACITY_METRICS = ("bookings", "won_deals")
DEFINITIONS: dict[str, str] = {
    "History": "The last four complete quarters before today's quarter, for the same scope.",
    "Win rate": "Won / (won + lost) of the scope's deals closed in the history window.",
    "Average deal size": "Bookings / won deals in the history window.",
    "Cycle length": "Average days from a deal's creation to its win.",
    "Stage conversion": "Of the deals closed in the window that reached a stage, the share that "
    "reached the next one (a skipped stage counts as passed).",
    "Activities per won deal": "Done activities in the window / deals won in it.",
    "Remaining": "Goal - actual to date (zero once the goal is reached).",
    "Wins needed": "Remaining bookings / average deal size (won-deals goals: the remaining count).",
    "Opportunities needed": "Wins needed / win rate.",
    "Pipeline needed": "Remaining bookings / win rate: the amount of new opportunities that, at "
    "the historical win rate, wins what is missing.",
    "Opportunities per week": "Opportunities needed / selling weeks left in the period.",
    "Activities per rep per week": "Wins needed x activities per won deal / reps / selling weeks left.",
    "Headcount implied": "Goal / (bookings per rep per quarter x quarters in the period); "
    "bookings per rep per quarter = the window's bookings / reps / 4.",
    "Open pipeline due": "Open deals (now) whose expected close date falls in the period.",
    "Gap": "Pipeline needed - open pipeline due (when positive).",
}


def _check_view(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, scope_kind: str, scope_id: int | None
) -> None:
    if not goals.can_view_scope(cur, viewer, scope_kind, scope_id):
        raise PermissionDenied("That scope is outside what you can see.")


def history_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last HISTORY_QUARTERS complete calendar quarters before today's quarter."""
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    index = quarter_start.year * 12 + quarter_start.month - 1 - 3 * HISTORY_QUARTERS
    return dt.date(index // 12, index % 12 + 1, 1), quarter_start


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class ScopeHistory:
    """A scope's selling history over the window [start, end)."""

    scope_kind: str
    scope_id: int | None
    start: dt.date
    end: dt.date
    won: int
    lost: int
    bookings: float
    cycle_days: float | None
    activities: int
    reps: int
    stages: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def quarters(self) -> float:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return months / 3

    @property
    def win_rate(self) -> float | None:
        return _ratio(self.won, self.won + self.lost)

    @property
    def avg_deal_size(self) -> float | None:
        return _ratio(self.bookings, self.won)

    @property
    def activities_per_won(self) -> float | None:
        return _ratio(self.activities, self.won)

    def output_per_rep_quarter(self, metric: str) -> float | None:
        """Bookings (or won deals) per rep per quarter in the window."""
        total = self.bookings if metric == "bookings" else self.won
        return _ratio(total, self.reps * self.quarters)


def stage_conversion(reach: pd.DataFrame, won: int) -> pd.DataFrame:
    """Per open stage: deals that reached it, the share that reached the next stage (the last
    open stage: the share won) and the share of those that were won in the end."""
    frame = reach[["stage_name", "sort_order", "reached"]].copy().reset_index(drop=True)
    frame["reached"] = frame["reached"].astype(int)
    following = list(frame["reached"].iloc[1:]) + [won]
    frame["conversion"] = [
        _ratio(after, before) for before, after in zip(frame["reached"], following, strict=True)
    ]
    frame["to_won"] = [_ratio(won, before) for before in frame["reached"]]
    return frame


def load_scope_history(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    today: dt.date,
) -> ScopeHistory:
    """The scope's last four complete quarters: wins, losses, bookings, cycle, activities,
    reps and stage reach, inside the viewer's scope."""
    _check_view(cur, viewer, scope_kind, scope_id)
    start, end = history_window(today)
    window = {
        **viewer.scope_params(),
        "subject_kind": scope_kind,
        "subject_id": scope_id,
        "start": dt.datetime.combine(start, dt.time()),
        "end": dt.datetime.combine(end, dt.time()),
    }
    deals = sql.fetch_one(cur, "plans/summarise_scope_deals", **window)
    reach = sql.fetch_df(cur, "plans/summarise_stage_reach", **window)
    reps = sql.fetch_one(cur, "plans/count_scope_reps", **window)
    activities = goals.measure_actuals(
        cur,
        viewer,
        [goals.MeasureItem(scope_kind, scope_id, "activities", start, end)],
        dt.datetime.combine(end, dt.time()),
    )[0]
    won = int(deals["won"] or 0)
    return ScopeHistory(
        scope_kind=scope_kind,
        scope_id=scope_id,
        start=start,
        end=end,
        won=won,
        lost=int(deals["lost"] or 0),
        bookings=float(deals["bookings"] or 0),
        cycle_days=None if deals["cycle_days_mean"] is None else float(deals["cycle_days_mean"]),
        activities=int(activities),
        reps=int(reps["reps"] or 0),
        stages=stage_conversion(reach, won),
    )


def load_open_due(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: goals.GoalPeriod,
) -> dict[str, float]:
    """Open deals (now) of the scope expected to close in the period: deals, amount, weighted."""
    row = sql.fetch_one(
        cur,
        "plans/sum_open_due",
        **viewer.scope_params(),
        subject_kind=scope_kind,
        subject_id=scope_id,
        start=period.start,
        end=period.end,
    )
    return {
        "deals": int(row["deals"] or 0),
        "amount": float(row["amount"] or 0),
        "weighted": float(row["weighted"] or 0),
    }


@dataclass(frozen=True)
class CapacityPlan:
    """What a goal needs, worked back through the scope's historical funnel."""

    metric: str
    target: float
    actual: float
    remaining: float
    win_rate: float | None
    avg_deal_size: float | None
    cycle_days: float | None
    activities_per_won: float | None
    output_per_rep_quarter: float | None
    wins_needed: int | None
    opportunities_needed: int | None
    pipeline_needed: float | None
    selling_weeks_left: float
    opportunities_per_week: float | None
    activities_needed: int | None
    activities_per_rep_per_week: float | None
    headcount_now: int
    headcount_implied: float | None
    open_due_deals: int
    open_due_amount: float
    open_due_weighted: float
    pipeline_gap: float | None
    gap_opportunities: int | None
    create_by: dt.date | None
    funnel: pd.DataFrame
    summary: list[str]

    def figures(self) -> pd.DataFrame:
        """The plan as a two-column table (figure, value) for display and download."""
        rows = [
            ("Goal", self.target),
            ("Actual to date", self.actual),
            ("Remaining", self.remaining),
            ("Win rate", self.win_rate),
            ("Average deal size", self.avg_deal_size),
            ("Cycle length (days)", self.cycle_days),
            ("Activities per won deal", self.activities_per_won),
            ("Wins needed", self.wins_needed),
            ("Opportunities needed", self.opportunities_needed),
            ("Pipeline needed", self.pipeline_needed),
            ("Selling weeks left", self.selling_weeks_left),
            ("Opportunities per week", self.opportunities_per_week),
            ("Activities per rep per week", self.activities_per_rep_per_week),
            ("Headcount now", self.headcount_now),
            ("Headcount implied", self.headcount_implied),
            ("Open pipeline due", self.open_due_amount),
            ("Open pipeline due, weighted", self.open_due_weighted),
            ("Pipeline gap", self.pipeline_gap),
            ("Opportunities to close the gap", self.gap_opportunities),
        ]
        return pd.DataFrame(rows, columns=["figure", "value"])


def _ceil(value: float | None) -> int | None:
    return None if value is None else int(math.ceil(round(value, 9)))


def _money(value: float | None) -> str:
    return goals.format_value("bookings", round(value) if value is not None else None)


def plan_capacity(
    history: ScopeHistory,
    metric: str,
    target: float,
    actual: float,
    period: goals.GoalPeriod,
    today: dt.date,
    open_due: dict[str, float],
    headcount_now: int | None = None,
) -> CapacityPlan:
    """Work a goal back through the history's funnel (see DEFINITIONS for every formula)."""
    if metric not in CAPACITY_METRICS:
        raise ValidationError(
            "The capacity calculator works from a bookings or won-deals goal, not "
            f"{goals.METRICS.get(metric, metric).lower()}."
        )
    headcount = history.reps if headcount_now is None else headcount_now
    win_rate, deal_size = history.win_rate, history.avg_deal_size
    remaining = max(float(target) - float(actual), 0.0)
    total_days = period.selling_days
    elapsed = goals.selling_days(period.start, min(period.end, today + dt.timedelta(days=1)))
    weeks_left = (total_days - elapsed) / 5
    wins = opportunities = activities_needed = gap_opportunities = None
    pipeline = per_week = per_rep_week = gap = None
    remaining_value = remaining if metric == "bookings" else None
    if deal_size and metric == "won_deals":
        remaining_value = remaining * deal_size
    if deal_size and win_rate:
        wins_exact = remaining / deal_size if metric == "bookings" else remaining
        wins = _ceil(wins_exact)
        opportunities = _ceil(wins_exact / win_rate)
        pipeline = remaining_value / win_rate
        if weeks_left > 0:
            per_week = opportunities / weeks_left
        if history.activities_per_won is not None:
            activities_needed = _ceil(wins_exact * history.activities_per_won)
            if weeks_left > 0 and headcount:
                per_rep_week = activities_needed / headcount / weeks_left
        gap = pipeline - open_due["amount"]
        if gap > 0:
            gap_opportunities = _ceil(gap / deal_size)
    per_rep = history.output_per_rep_quarter(metric)
    quarters = {"month": 1 / 3, "quarter": 1.0, "year": 4.0}[period.kind]
    implied = float(target) / (per_rep * quarters) if per_rep else None
    create_by = (
        period.start - dt.timedelta(days=round(history.cycle_days))
        if history.cycle_days is not None
        else None
    )
    funnel = pd.DataFrame(columns=["stage_name", "deals_needed", "conversion"])
    if wins is not None and history.won:
        stages = history.stages
        funnel = pd.DataFrame(
            {
                "stage_name": list(stages["stage_name"]) + ["Won"],
                "deals_needed": [
                    _ceil(wins * reached / history.won) for reached in stages["reached"]
                ]
                + [wins],
                "conversion": list(stages["conversion"]) + [None],
            }
        )
    plan = CapacityPlan(
        metric=metric,
        target=float(target),
        actual=float(actual),
        remaining=remaining,
        win_rate=win_rate,
        avg_deal_size=deal_size,
        cycle_days=history.cycle_days,
        activities_per_won=history.activities_per_won,
        output_per_rep_quarter=per_rep,
        wins_needed=wins,
        opportunities_needed=opportunities,
        pipeline_needed=pipeline,
        selling_weeks_left=weeks_left,
        opportunities_per_week=per_week,
        activities_needed=activities_needed,
        activities_per_rep_per_week=per_rep_week,
        headcount_now=headcount,
        headcount_implied=implied,
        open_due_deals=int(open_due["deals"]),
        open_due_amount=float(open_due["amount"]),
        open_due_weighted=float(open_due["weighted"]),
        pipeline_gap=gap,
        gap_opportunities=gap_opportunities,
        create_by=create_by,
        funnel=funnel,
        summary=[],
    )
    return CapacityPlan(**{**plan.__dict__, "summary": describe_capacity(plan, period, today)})


def describe_capacity(plan: CapacityPlan, period: goals.GoalPeriod, today: dt.date) -> list[str]:
    """The capacity plan in plain sentences."""
    value = (
        (lambda number: _money(number))
        if plan.metric == "bookings"
        else (lambda number: f"{number:,.0f} won deals")
    )
    lines = []
    if plan.remaining <= 0:
        lines.append(
            f"The goal of {value(plan.target)} for {period.label} is reached already "
            f"({value(plan.actual)} so far); nothing more is needed."
        )
        return lines
    so_far = f" ({value(plan.actual)} so far)" if plan.actual else ""
    lines.append(
        f"To reach the goal of {value(plan.target)} for {period.label}, "
        f"{value(plan.remaining)} more is needed{so_far}."
    )
    if plan.wins_needed is None:
        lines.append(
            "No deals of this scope were won or lost in the last four quarters, so there is no "
            "win rate or deal size to plan from."
        )
        return lines
    lines.append(
        f"At the last four quarters' win rate of {plan.win_rate:.0%} and average deal of "
        f"{_money(plan.avg_deal_size)}, that is {plan.wins_needed:,} more won deals from "
        f"{plan.opportunities_needed:,} opportunities: {_money(plan.pipeline_needed)} of pipeline."
    )
    due = _money(plan.open_due_amount)
    if plan.pipeline_gap is not None and plan.pipeline_gap > 0:
        weekly = (
            f", {plan.gap_opportunities / plan.selling_weeks_left:,.1f} a week over the "
            f"{plan.selling_weeks_left:,.1f} selling weeks left"
            if plan.selling_weeks_left > 0
            else ", but no selling weeks are left in the period"
        )
        lines.append(
            f"Open deals expected to close in {period.label} come to {due} "
            f"({_money(plan.open_due_weighted)} weighted), so {_money(plan.pipeline_gap)} of "
            f"pipeline is missing: about {plan.gap_opportunities:,} more opportunities{weekly}."
        )
    else:
        cover = plan.open_due_amount / plan.pipeline_needed if plan.pipeline_needed else None
        cover_text = f" ({cover:.1f}x what is needed)" if cover else ""
        lines.append(
            f"Open deals expected to close in {period.label} come to {due}{cover_text}: the "
            "pipeline is there; the work is to win it."
        )
    if plan.opportunities_per_week is not None:
        lines.append(
            f"Without counting the open pipeline that is {plan.opportunities_per_week:,.1f} new "
            f"opportunities a week over the {plan.selling_weeks_left:,.1f} selling weeks left."
        )
    if plan.activities_per_rep_per_week is not None:
        lines.append(
            f"At {plan.activities_per_won:,.1f} activities per won deal that is "
            f"{plan.activities_per_rep_per_week:,.1f} activities per rep per week "
            f"for {plan.headcount_now} reps."
        )
    if plan.headcount_implied is not None:
        per_rep = (
            _money(plan.output_per_rep_quarter)
            if plan.metric == "bookings"
            else f"{plan.output_per_rep_quarter:,.1f} won deals"
        )
        lines.append(
            f"The goal implies {plan.headcount_implied:,.1f} reps at the historical {per_rep} "
            f"per rep per quarter; the scope has {plan.headcount_now}."
        )
    if plan.create_by is not None and plan.cycle_days is not None:
        tense = "should have been" if plan.create_by < today else "should be"
        lines.append(
            f"Deals take {plan.cycle_days:,.0f} days on average from creation to win, so "
            f"opportunities for {period.label} {tense} created by {plan.create_by:%Y-%m-%d}."
        )
    return lines


def compute_capacity(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    goal_id: int,
    today: dt.date | None = None,
) -> tuple[goals.Goal, ScopeHistory, CapacityPlan]:
    """The capacity plan for one goal the viewer may see (bookings or won-deals goals)."""
    goal = goals.get_goal(cur, goal_id, viewer)
    if goal.metric not in CAPACITY_METRICS:
        raise ValidationError(
            "The capacity calculator works from a bookings or won-deals goal; "
            f"{goal.label} is about {goals.METRICS[goal.metric].lower()}."
        )
    history, plan = compute_capacity_for_target(
        cur, viewer, goal.scope_kind, goal.scope_id, goal.period, goal.metric, goal.target, today
    )
    return goal, history, plan


def compute_capacity_for_target(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    period: goals.GoalPeriod,
    metric: str,
    target: Any,
    today: dt.date | None = None,
) -> tuple[ScopeHistory, CapacityPlan]:
    """The capacity plan for a target of a scope the viewer may see, over a period."""
    today = today or dt.date.today()
    _check_view(cur, viewer, scope_kind, scope_id)
    value = goals.check_target(metric, target)
    history = load_scope_history(cur, viewer, scope_kind, scope_id, today)
    actual = goals.measure_actuals(
        cur,
        viewer,
        [goals.MeasureItem(scope_kind, scope_id, metric, period.start, period.end)],
        dt.datetime.combine(today + dt.timedelta(days=1), dt.time()),
    )[0]
    open_due = load_open_due(cur, viewer, scope_kind, scope_id, period)
    plan = plan_capacity(history, metric, float(value), float(actual), period, today, open_due)
    return history, plan


def load_demand(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope_kind: str,
    scope_id: int | None,
    first_month: dt.date,
    months: int,
    today: dt.date,
) -> pd.DataFrame:
    """Per product and month from first_month: expected bookings from the open pipeline
    (amount x probability by expected close month), last year's bookings in the same month and
    the trailing 12-month average."""
    _check_view(cur, viewer, scope_kind, scope_id)
    if not 1 <= months <= 36:
        raise ValidationError("The demand view covers 1 to 36 months.")
    start = dt.date(first_month.year, first_month.month, 1)
    index = start.year * 12 + start.month - 1 + months
    frame = sql.fetch_df(
        cur,
        "plans/demand_by_product_month",
        **viewer.scope_params(),
        subject_kind=scope_kind,
        subject_id=scope_id,
        months_start=start,
        months_end=dt.date(index // 12, index % 12 + 1, 1),
        current_month=dt.date(today.year, today.month, 1),
    )
    for column in ("pipeline_amount", "pipeline_expected", "last_year", "trailing_average"):
        frame[column] = frame[column].astype(float)
    frame["month_start"] = pd.to_datetime(frame["month_start"])
    return frame


def summarise_demand(frame: pd.DataFrame, monthly_capacity: float | None = None) -> pd.DataFrame:
    """Demand per month over all products, with the capacity of the planned team if given."""
    totals = (
        frame.groupby("month_start", as_index=False)[
            ["pipeline_amount", "pipeline_expected", "last_year", "trailing_average"]
        ]
        .sum()
        .sort_values("month_start")
    )
    totals["capacity"] = monthly_capacity
    return totals


def monthly_capacity(history: ScopeHistory, headcount: int | None) -> float | None:
    """What `headcount` reps book per month at the history's bookings per rep."""
    per_rep = history.output_per_rep_quarter("bookings")
    if per_rep is None or headcount is None:
        return None
    return per_rep / 3 * headcount
