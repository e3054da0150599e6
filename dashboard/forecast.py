"""Forecast and control: weighted pipeline and forecast categories, managers' forecast
submissions (dated snapshots), forecast vs goal vs actual, a forecast from the scope's own
win rates and cycle times, forecast accuracy, deviation alerts and the explanation of a gap
(volume, price/discount and mix; products, territories, reps, stages; returns and late
deliveries), and what converts best.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import funnel, metrics, sql
from dashboard.auth import Viewer
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.metrics import DealFilter, Period, add_months, analytics_params

NO_FILTERS = DealFilter()  # the default: no page filters

VIEWERS = ("admin", "executive", "manager", "analyst")
SUBMITTERS = ("admin", "executive", "manager")
HISTORY_QUARTERS = 4
DEFAULT_THRESHOLD = 0.10
FORECAST_DEFINITIONS: dict[str, str] = {
    "Closed": "Bookings: deals won in the period.",
    "Commit": "Open deals in the commit category expected to close in the period.",
    "Best case": "Open deals in the best-case category expected to close in the period.",
    "Pipeline": "Open deals in the pipeline category expected to close in the period.",
    "Weighted forecast": "Closed + the open deals expected in the period x their probability.",
    "Commit forecast": "Closed + commit.",
    "Historical forecast": "Closed + for each open deal, its amount x the share won of past "
    "deals that reached its stage (closed in the four quarters before today), when its stage "
    "entry + the median whole days from that stage to a win falls in the period.",
    "Submission": "A manager's call for the period and scope, kept with the system's figures "
    "at that moment; never changed afterwards.",
    "Accuracy": "Forecast / actual bookings - 1 for a past period: 0% is perfect, -10% means "
    "the forecast was 10% short.",
    "Pace": "Bookings so far / (goal x share of the period elapsed) - 1.",
    "Deviation": "An alert when pace or the weighted forecast is off the goal by more than "
    "the threshold.",
    "Volume effect": "The change in won deals, valued at the base's average price.",
    "Mix effect": "Selling more of products with higher or lower base prices than the average.",
    "Price effect": "Won amount per deal against the base, per product; split into deal size "
    "(list value before discount) and discount.",
    "Base": "The same period a year earlier, scaled so its bookings equal the goal: the plan "
    "with last year's mix and prices.",
}


def _require_viewer(viewer: Viewer) -> None:
    if viewer.role not in VIEWERS:
        raise PermissionDenied(
            "Forecasts are for managers, executives, analysts and administrators."
        )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _bounded(period: Period) -> None:
    if period.start is None or period.end is None:
        raise ValidationError("a forecast needs a period with a first and a last day")


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)


# --------------------------------------------------------------------------- forecast


def load_forecast(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per unit (total, teams, reps): closed, commit, best case, pipeline, weighted, the
    historical forecast, goal, and the forecasts built from them."""
    _require_viewer(viewer)
    _bounded(period)
    now = now or dt.datetime.now()
    params = analytics_params(cur, viewer, filters)
    frame = sql.fetch_df(cur, "forecast/summarise_forecast", **params, **period.params())
    history_start, history_end = _history_window(now)
    projected = sql.fetch_df(
        cur,
        "forecast/project_open_deals",
        **params,
        **period.params(),
        history_start=history_start,
        history_end=history_end,
        now=now,
    )
    projected = projected.rename(columns={"unit_id": "projected_unit_id"})
    frame = frame.merge(
        projected[["unit_level", "projected_unit_id", "projected_wins"]],
        left_on=["unit_level", "unit_id"],
        right_on=["unit_level", "projected_unit_id"],
        how="left",
    ).drop(columns=["projected_unit_id"])
    team_projection = (
        frame[frame["unit_level"] == "rep"].groupby("team_name")["projected_wins"].sum()
    )
    is_team = frame["unit_level"] == "team"
    frame.loc[is_team, "projected_wins"] = (
        frame.loc[is_team, "unit_name"].map(team_projection).astype(float)
    )
    total = projected[projected["unit_level"] == "total"]["projected_wins"]
    frame.loc[frame["unit_level"] == "total", "projected_wins"] = total.iloc[0] if len(total) else 0
    money = (
        "bookings",
        "commit_amount",
        "best_case_amount",
        "pipeline_amount",
        "open_amount",
        "weighted_amount",
        "projected_wins",
        "goal",
    )
    for column in money:
        frame[column] = frame[column].astype(float)
    frame["projected_wins"] = frame["projected_wins"].fillna(0.0)
    total_goal = metrics.load_goal_total(cur, metrics.goal_scope(viewer, filters), period)
    frame.loc[frame["unit_level"] == "total", "goal"] = total_goal
    frame["weighted_forecast"] = frame["bookings"] + frame["weighted_amount"]
    frame["commit_forecast"] = frame["bookings"] + frame["commit_amount"]
    frame["best_case_forecast"] = frame["commit_forecast"] + frame["best_case_amount"]
    frame["historical_forecast"] = frame["bookings"] + frame["projected_wins"]
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] > 0)
    return frame


def _history_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The four quarters before today: where historical rates come from."""
    today = now.date()
    return _midnight(add_months(dt.date(today.year, today.month, 1), -12)), _midnight(today)


def load_stage_rates(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    filters: DealFilter = NO_FILTERS,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per open stage: the scope's chance to win from it and median whole days from it to a win."""
    _require_viewer(viewer)
    history_start, history_end = _history_window(now or dt.datetime.now())
    frame = sql.fetch_df(
        cur,
        "forecast/summarise_stage_rates",
        **analytics_params(cur, viewer, filters),
        history_start=history_start,
        history_end=history_end,
    )
    for column in ("win_rate", "win_rate_value", "median_days_to_win"):
        frame[column] = frame[column].astype(float)
    return frame


# --------------------------------------------------------------------------- submissions


@dataclass(frozen=True)
class SubmissionScope:
    """What a submission is for: the company, a team, or a rep."""

    kind: str
    scope_id: int | None = None

    def viewer(self) -> Viewer:
        """A viewer whose scope is exactly this (to compute the scope's figures)."""
        if self.kind == "company":
            return Viewer(0, "scope@localhost", "Scope", "admin")
        if self.kind == "team":
            return Viewer(0, "scope@localhost", "Scope", "manager", team_id=self.scope_id)
        return Viewer(0, "scope@localhost", "Scope", "rep", rep_id=self.scope_id)

    def goal_scope(self) -> tuple[str, int | None]:
        return (self.kind, self.scope_id)


def submission_scope(viewer: Viewer, filters: DealFilter = NO_FILTERS) -> SubmissionScope:
    """The scope a viewer's forecast is for: a filtered team, or the viewer's own scope."""
    if filters.team_id is not None:
        return SubmissionScope("team", filters.team_id)
    if viewer.scope_kind == "team":
        return SubmissionScope("team", viewer.team_id)
    if viewer.scope_kind == "rep":
        return SubmissionScope("rep", viewer.rep_id)
    return SubmissionScope("company")


def _may_submit(cur: duckdb.DuckDBPyConnection, viewer: Viewer, scope: SubmissionScope) -> None:
    if viewer.role not in SUBMITTERS:
        raise PermissionDenied("Only managers, executives and administrators submit forecasts.")
    if viewer.scope_kind == "all":
        return
    if scope.kind == "company":
        raise PermissionDenied("A manager submits forecasts for their own teams and reps only.")
    row = sql.fetch_one(
        cur,
        "forecast/check_scope_inside",
        subject_kind=scope.kind,
        subject_id=scope.scope_id,
        **viewer.scope_params(),
    )
    if not row["is_inside"]:
        raise PermissionDenied("You can submit forecasts only for your own teams and reps.")


def _money(value: Any, what: str) -> Decimal:
    try:
        number = round(Decimal(str(value)), 2)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"the {what} must be an amount, not {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(f"the {what} must be an amount of zero or more")
    return number


def submit_forecast(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    scope: SubmissionScope,
    forecast_amount: Any,
    best_case_amount: Any = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record a forecast call with its scope's figures at this moment (in a write transaction)."""
    _bounded(period)
    if scope.kind not in ("company", "team", "rep"):
        raise ValidationError(f"unknown forecast scope {scope.kind!r}")
    _may_submit(cur, viewer, scope)
    now = now or dt.datetime.now()
    if period.end <= now.date():
        raise ValidationError(
            f"the period {period.label} has ended; forecasts are for periods still running "
            "or to come"
        )
    amount = _money(forecast_amount, "forecast")
    best = None if best_case_amount in (None, "") else _money(best_case_amount, "best case")
    if best is not None and best < amount:
        raise ValidationError("the best case cannot be below the forecast")
    funnel.refresh_history(cur, now)  # the figures read the derived history: make it current
    figures = sql.fetch_df(
        cur,
        "forecast/summarise_forecast",
        **analytics_params(cur, scope.viewer(), DealFilter()),
        **period.params(),
    )
    total = figures[figures["unit_level"] == "total"]
    row = total.iloc[0] if len(total) else None

    def figure(column: str) -> Decimal:
        return Decimal(str(row[column])) if row is not None else Decimal(0)

    goal = metrics.load_goal_total(cur, scope.goal_scope(), period)
    submission_id = sql.fetch_one(
        cur,
        "forecast/insert_submission",
        period_start=period.start,
        period_end=period.end,
        scope_kind=scope.kind,
        scope_id=scope.scope_id,
        forecast_amount=amount,
        best_case_amount=best,
        note=(note or "").strip() or None,
        closed_amount=figure("bookings"),
        commit_amount=figure("commit_amount"),
        best_case_open_amount=figure("best_case_amount"),
        pipeline_amount=figure("pipeline_amount"),
        weighted_amount=figure("weighted_amount"),
        goal_amount=None if goal is None else round(Decimal(str(goal)), 2),
        submitted_by=viewer.user_id or None,
        submitted_at=now,
    )["submission_id"]
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action="submit_forecast",
        entity="forecast_submissions",
        entity_id=str(submission_id),
        detail=f'{{"period": "{period.label}", "scope": "{scope.kind}:{scope.scope_id}"}}',
    )
    return int(submission_id)


def list_submissions(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: SubmissionScope,
    since: dt.date,
    until: dt.date,
) -> pd.DataFrame:
    """Submissions for a scope whose period starts in [since, until), newest first."""
    _require_viewer(viewer)
    frame = sql.fetch_df(
        cur,
        "forecast/list_submissions",
        scope_kind=scope.kind,
        scope_id=scope.scope_id,
        start=since,
        end=until,
    )
    for column in (
        "forecast_amount",
        "best_case_amount",
        "closed_amount",
        "commit_amount",
        "best_case_open_amount",
        "pipeline_amount",
        "weighted_amount",
        "goal_amount",
    ):
        frame[column] = frame[column].astype(float)
    return frame


# --------------------------------------------------------------------------- history


def load_history(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: dt.date,
    filters: DealFilter = NO_FILTERS,
    quarters: int = HISTORY_QUARTERS,
) -> pd.DataFrame:
    """Per quarter (the last `quarters` completed ones and the current one): goal, actual
    bookings, the system's forecast as it stood at the quarter's start (weighted, commit),
    the latest submission for the viewer's scope, and each forecast's accuracy."""
    _require_viewer(viewer)
    periods = list(reversed(metrics.quarters_back(today, quarters + 1)))
    params = analytics_params(cur, viewer, filters)
    bookings = sql.fetch_df(
        cur,
        "forecast/summarise_bookings_by_quarter",
        **params,
        start=_midnight(periods[0].start),
        end=_midnight(periods[-1].end),
    )
    booked = {
        pd.Timestamp(row.quarter_start).date(): float(row.bookings) for row in bookings.itertuples()
    }
    scope = submission_scope(viewer, filters)
    goal_scope = metrics.goal_scope(viewer, filters)
    submissions = list_submissions(cur, viewer, scope, periods[0].start, periods[-1].end)
    # quarter starts up to the latest event are kept in deal_quarter_states (019)
    kept = sql.fetch_one(cur, "funnel/get_quarter_states_through")["captured_through"]
    goals = metrics.load_goal_by_month(
        cur, goal_scope, Period(periods[0].start, periods[-1].end)
    )  # one query for every quarter
    # the submissions' quarters and times, once (newest first, as list_submissions orders them)
    submitted_for = pd.to_datetime(submissions["period_start"]).dt.date
    submitted_when = pd.to_datetime(submissions["submitted_at"])
    rows = []
    for period in periods:
        at = _midnight(period.start)
        snapshot = sql.fetch_one(
            cur,
            "forecast/summarise_snapshot",
            **params,
            held=kept is not None and at <= kept,
            at=at,
            due_start=period.start,
            due_end=period.end,
        )
        actual = booked.get(period.start, 0.0)
        is_complete = period.end <= today
        mine = submissions[
            (submitted_for == period.start) & (submitted_when < pd.Timestamp(period.end))
        ]
        submitted = float(mine.iloc[0]["forecast_amount"]) if len(mine) else None
        rows.append(
            {
                "period": period.label,
                "period_start": period.start,
                "is_complete": is_complete,
                "goal": metrics.goal_total(goals, period),
                "actual": actual,
                "weighted_at_start": float(snapshot["weighted_amount"]),
                "commit_at_start": float(snapshot["commit_amount"]),
                "open_at_start": float(snapshot["open_amount"]),
                "submitted": submitted,
                "submitted_at": mine.iloc[0]["submitted_at"] if len(mine) else None,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("goal", "submitted"):
        frame[column] = frame[column].astype(float)
    for name in ("weighted_at_start", "commit_at_start", "submitted", "goal"):
        accuracy = frame[name] / frame["actual"].where(frame["actual"] > 0) - 1
        frame[f"{name}_accuracy"] = accuracy.where(frame["is_complete"])
    return frame


# --------------------------------------------------------------------------- control


def deviation_alerts(
    forecast: pd.DataFrame,
    period: Period,
    today: dt.date,
    threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Units whose pace or weighted forecast is off the goal by more than `threshold`, worst
    first: unit, level, goal, bookings, expected by now, pace, forecast, forecast gap, and a
    sentence saying what is wrong."""
    if threshold <= 0:
        raise ValidationError("the alert threshold must be above zero")
    elapsed = metrics.elapsed_share(period, today)
    rows = []
    for unit in forecast[forecast["goal"] > 0].itertuples():
        expected = unit.goal * elapsed
        pace = unit.bookings / expected - 1 if expected > 0 else None
        forecast_gap = unit.weighted_forecast / unit.goal - 1
        worst = max(abs(pace or 0.0), abs(forecast_gap))
        if worst <= threshold:
            continue
        label = {"total": "Everything in view", "team": "Team", "rep": "Rep"}[unit.unit_level]
        parts = []
        if pace is not None and abs(pace) > threshold:
            side = "behind" if pace < 0 else "ahead of"
            parts.append(
                f"bookings {_money_text(unit.bookings)} are {abs(pace):.0%} {side} the pace "
                f"of the goal ({_money_text(expected)} by now)"
            )
        if abs(forecast_gap) > threshold:
            side = "below" if forecast_gap < 0 else "above"
            parts.append(
                f"the weighted forecast {_money_text(unit.weighted_forecast)} is "
                f"{abs(forecast_gap):.0%} {side} the goal {_money_text(unit.goal)}"
            )
        rows.append(
            {
                "unit_level": unit.unit_level,
                "unit_name": unit.unit_name,
                "goal": unit.goal,
                "bookings": unit.bookings,
                "expected_by_now": expected,
                "pace": pace,
                "weighted_forecast": unit.weighted_forecast,
                "forecast_gap": forecast_gap,
                "severity": "below" if min(pace or 0.0, forecast_gap) < -threshold else "above",
                "message": f"{label} {unit.unit_name}: " + "; ".join(parts) + ".",
                "worst": worst,
            }
        )
    columns = [
        "unit_level",
        "unit_name",
        "goal",
        "bookings",
        "expected_by_now",
        "pace",
        "weighted_forecast",
        "forecast_gap",
        "severity",
        "message",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows).sort_values("worst", ascending=False)
    return frame[columns].reset_index(drop=True)


def _money_text(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:,.2f}{suffix}"
    return f"${value:,.0f}"


def base_period(period: Period) -> Period:
    """The same period a year earlier."""
    return Period(add_months(period.start, -12), add_months(period.end, -12))


def _by_period(frame: pd.DataFrame, values: list[str]) -> pd.DataFrame:
    """One row per key, the sum of each value per period_no as columns (value, period_no), 0
    where a key has no row for a period (pivot_table's result, at a fraction of its cost)."""
    return frame.groupby(["key", "period_no"])[values].sum().unstack("period_no", fill_value=0)


def price_volume_mix(products: pd.DataFrame, target: float | None) -> dict[str, Any]:
    """Split actual - base (the base scaled to `target` when given) into volume, mix, deal
    size and discount effects, exactly; per product too. `products` has key, period_no (1 =
    actual, 2 = base), won, bookings, gross_bookings."""
    wide = _by_period(products, ["won", "bookings", "gross_bookings"])

    def column(name: str, period_no: int) -> np.ndarray:
        if (name, period_no) in wide.columns:
            return wide[(name, period_no)].to_numpy(dtype=float)
        return np.zeros(len(wide))

    def ratio(numerator: np.ndarray, denominator: np.ndarray, otherwise: Any) -> np.ndarray:
        """numerator / denominator where the denominator is positive, else `otherwise`."""
        quotient = np.divide(
            numerator, denominator, out=np.zeros(len(numerator)), where=denominator > 0
        )
        return np.where(denominator > 0, quotient, otherwise)

    q_a, r_a, g_a = column("won", 1), column("bookings", 1), column("gross_bookings", 1)
    q_b, r_b, g_b = column("won", 2), column("bookings", 2), column("gross_bookings", 2)
    base_total = float(r_b.sum())
    actual_total = float(r_a.sum())
    if base_total <= 0:
        return {"available": False, "actual": actual_total, "base": None}
    scale = target / base_total if target else 1.0
    q_b, r_b, g_b = q_b * scale, r_b * scale, g_b * scale
    price_a = ratio(r_a, q_a, 0.0)
    price_b = ratio(r_b, q_b, price_a)
    gross_a = ratio(g_a, q_a, 0.0)
    gross_b = ratio(g_b, q_b, gross_a)
    discount_a = np.where(g_a > 0, 1 - ratio(r_a, g_a, 0.0), 0.0)
    discount_b = np.where(g_b > 0, 1 - ratio(r_b, g_b, 0.0), discount_a)
    total_q_a, total_q_b = float(q_a.sum()), float(q_b.sum())
    average_b = float(r_b.sum()) / total_q_b if total_q_b else 0.0
    volume = (total_q_a - total_q_b) * average_b
    mix_each = q_a * price_b - q_a * average_b
    size_each = q_a * (gross_a - gross_b) * (1 - discount_b)
    discount_each = q_a * gross_a * (discount_b - discount_a)
    per_product = pd.DataFrame(
        {
            "product": wide.index,
            "won": q_a,
            "base_won": q_b,
            "bookings": r_a,
            "base_bookings": r_b,
            "avg_price": price_a,
            "base_avg_price": price_b,
            "discount": discount_a,
            "base_discount": discount_b,
            "volume_effect": (q_a - q_b) * average_b,
            "mix_effect": mix_each,
            "size_effect": size_each,
            "discount_effect": discount_each,
        }
    )
    per_product["gap"] = per_product["bookings"] - per_product["base_bookings"]
    return {
        "available": True,
        "actual": actual_total,
        "base": float(r_b.sum()),
        "scale": scale,
        "volume": volume,
        "mix": float(mix_each.sum()),
        "size": float(size_each.sum()),
        "discount": float(discount_each.sum()),
        "products": per_product.sort_values("gap").reset_index(drop=True),
    }


def stage_contributions(stages: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Bookings of the closed deals = closed deals x each stage's conversion x average won
    amount; substituting the actual for the (scaled) base factor by factor, in funnel order,
    gives each factor's share of the gap, exactly. `stages` is load_funnel output with
    cohort 'closed' and the base as comparison (period_no 1 = actual, 2 = base)."""
    factors = []
    for period_no in (1, 2):
        part = stages[stages["period_no"] == period_no].sort_values("stage_order")
        if part.empty or part["reached"].iloc[0] == 0:
            return pd.DataFrame(columns=["factor", "actual", "base", "effect"])
        closed = float(part["reached"].iloc[0])
        conversions = (part["next_deals"] / part["reached"].where(part["reached"] > 0)).fillna(0)
        won = float(part["next_deals"].iloc[-1])
        size = float(part["next_amount"].iloc[-1]) / won if won else 0.0
        names = ["Closed deals"] + [
            f"{name} -> {'won' if index == len(part) - 1 else part['stage_name'].iloc[index + 1]}"
            for index, name in enumerate(part["stage_name"])
        ]
        values = [closed * (scale if period_no == 2 else 1.0), *conversions.tolist(), size]
        factors.append((names + ["Average won amount"], values))
    names, actual = factors[0]
    _, base = factors[1]
    current = list(base)
    rows = []

    def product(values: list[float]) -> float:
        result = 1.0
        for value in values:
            result *= value
        return result

    for index, name in enumerate(names):
        before = product(current)
        current[index] = actual[index]
        rows.append(
            {
                "factor": name,
                "actual": actual[index],
                "base": base[index],
                "effect": product(current) - before,
            }
        )
    return pd.DataFrame(rows)


def explain_gap(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    goal: float | None = None,
    units: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Why bookings differ from the goal (or from last year when there is no goal): price /
    volume / mix by product; contributions by territory, lead source, rep and funnel stage;
    returns and late deliveries of the period's orders."""
    _require_viewer(viewer)
    _bounded(period)
    base = base_period(period)
    params = analytics_params(cur, viewer, filters)
    dimensions = sql.fetch_df(
        cur,
        "forecast/summarise_gap_dimensions",
        **params,
        **period.params(),
        base_start=_midnight(base.start),
        base_end=_midnight(base.end),
    )
    for column in ("bookings", "gross_bookings"):
        dimensions[column] = dimensions[column].astype(float)
    products = dimensions[dimensions["dimension"] == "product"]
    effects = price_volume_mix(products, goal)
    scale = effects.get("scale", 1.0) if effects["available"] else 1.0
    contributions = {}
    for dimension in ("territory", "source"):
        part = dimensions[dimensions["dimension"] == dimension]
        wide = _by_period(part, ["bookings"])["bookings"]
        actual = wide[1] if 1 in wide.columns else pd.Series(0.0, index=wide.index)
        based = (wide[2] if 2 in wide.columns else pd.Series(0.0, index=wide.index)) * scale
        contributions[dimension] = (
            pd.DataFrame({"key": wide.index, "bookings": actual.values, "base": based.values})
            .assign(gap=lambda frame: frame["bookings"] - frame["base"])
            .sort_values("gap")
            .reset_index(drop=True)
        )
    if units is not None:
        reps = units[(units["unit_level"] == "rep") & units["goal"].notna()]
        contributions["rep"] = (
            reps.assign(key=reps["unit_name"], base=reps["goal"])
            .assign(gap=lambda frame: frame["bookings"] - frame["base"])[
                ["key", "team_name", "bookings", "base", "gap"]
            ]
            .sort_values("gap")
            .reset_index(drop=True)
        )
    stages = funnel.load_funnel(cur, viewer, period, filters, cohort="closed", compare=base)
    fulfilment = sql.fetch_df(
        cur,
        "forecast/summarise_fulfilment",
        **params,
        **period.params(),
    )
    for column in ("order_value", "return_amount"):
        fulfilment[column] = fulfilment[column].astype(float)
    return {
        "base_label": base.label,
        "effects": effects,
        "contributions": contributions,
        "stages": stage_contributions(stages, scale),
        "fulfilment": fulfilment,
    }


def load_what_works(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
) -> pd.DataFrame:
    """Win rate by product and by lead source among deals closed in the period, best first."""
    _require_viewer(viewer)
    _bounded(period)
    frame = sql.fetch_df(
        cur,
        "forecast/summarise_what_works",
        **analytics_params(cur, viewer, filters),
        **period.params(),
    )
    for column in ("win_rate", "win_rate_value", "avg_won_amount", "cycle_days_median"):
        frame[column] = frame[column].astype(float)
    return frame


def load_activity_conversion(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
) -> pd.DataFrame:
    """Win rate of closed deals that had each activity type, against all closed deals."""
    _require_viewer(viewer)
    _bounded(period)
    frame = sql.fetch_df(
        cur,
        "forecast/summarise_activity_conversion",
        **analytics_params(cur, viewer, filters),
        **period.params(),
    )
    for column in ("win_rate", "baseline_win_rate"):
        frame[column] = frame[column].astype(float)
    return frame
