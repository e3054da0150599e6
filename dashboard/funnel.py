"""Funnel analytics: stage funnel, conversion, win rates, cycle, velocity, time in stage,
pipeline as of any date and the pipeline waterfall between two dates.

Reached stage k = furthest_stage_order >= k (no event scan). Everything "as of a date" reads
deal_spans, a derived table holding each deal's state between two consecutive events;
current-state figures read deal_facts, a narrow copy of the deals in closing order (a period's
closed deals are a few row groups). refresh_history keeps them in step with
opportunity_events, with deal_stage_stays, deal_win_cycles, deal_closings, deal_quarter_states,
order_facts for the orders, and the counts closing_days, won_counts, cohort_counts,
open_counts, potential_months (with the accounts' moves), quarter_state_counts, stay_days and
win_cycle_days: new events are folded in per deal, and a history that shrank (an undone
import) is rebuilt whole. Readers call it first (the loaders' ensure_history, the CLI's
refresh).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import ValidationError
from dashboard.metrics import METRIC_DEFINITIONS, DealFilter, Period, analytics_params

NO_FILTERS = DealFilter()  # the default: no page filters

SLICES: dict[str, str] = {
    "none": "Everything",
    "owner": "Rep",
    "team": "Team",
    "territory": "Territory",
    "product": "Product",
    "source": "Lead source",
    "rating": "Lead rating",
    "cohort": "Created month (cohort)",
}
COHORTS: dict[str, str] = {
    "created": "Deals created in the period",
    "closed": "Deals closed in the period",
}
WATERFALL_STEPS: dict[str, str] = {
    "start": "Start",
    "new": "+ New",
    "increased": "+ Increased",
    "decreased": "- Decreased",
    "pushed_out": "- Pushed out",
    "pulled_in": "+ Pulled in",
    "won": "- Won",
    "lost": "- Lost",
    "end": "= End",
}
FUNNEL_DEAL_KINDS: dict[str, str] = {
    "reached": "Reached the stage",
    "dropped": "Lost at the stage",
    "stalled": "Still open at the stage",
}
DEAL_LIMIT = 5000
FUNNEL_DEFINITIONS: dict[str, str] = {
    "Reached stage": "Deals of the cohort whose furthest stage is this one or a later one "
    "(a skipped stage counts as passed; a won deal passed every stage).",
    "Stage conversion": METRIC_DEFINITIONS["Stage conversion"],
    "Drop-off": "Deals that reached the stage but not the next one: lost there, or still open there.",
    "Win rate (count)": METRIC_DEFINITIONS["Win rate (count)"],
    "Win rate (value)": METRIC_DEFINITIONS["Win rate (value)"],
    "Average deal size": METRIC_DEFINITIONS["Average deal size"],
    "Sales cycle": METRIC_DEFINITIONS["Sales cycle"],
    "Velocity": METRIC_DEFINITIONS["Velocity"]
    + " Open deals at the end of the period (now while it runs).",
    "Time in stage": "Whole days (full 24 hours) a deal stayed in a stage before it moved on "
    "(to any stage, won or lost), for stays that ended in the period; open deals show their "
    "whole days in the current stage so far.",
    "Pipeline as of a date": "Open deals as they stood at the end of that day, rebuilt from "
    "the deal history.",
    "Waterfall": "Open pipeline with an expected close date in the close window, from the "
    "start of the first day to the end of the last: deals created in between are new; deals "
    "that were open outside the window (or closed) and came into it are pulled in; amount "
    "changes of deals in the window at the end are increases or decreases; deals whose "
    "expected close date left the window are pushed out (at their start amount); deals won or "
    "lost inside the window leave at their closing amount. Start + flows = end, exactly.",
}


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryRefresh:
    """What refresh_history did to the deal history: 'none', 'incremental' or 'full', and how
    many deals; and whether order_facts was rebuilt whole (orders, lines or returns changed)."""

    mode: str
    deals: int
    through_event_id: int
    orders_rebuilt: bool = False


_DEAL_HISTORY = (
    "funnel/add_refresh_cells",  # the cells the refreshed deals counted in before
    "funnel/delete_deal_spans",
    "funnel/delete_stage_stays",
    "funnel/delete_deal_facts",
    "funnel/delete_win_cycles",
    "funnel/delete_deal_closings",
    "funnel/delete_quarter_states",
    "funnel/insert_deal_spans",
    "funnel/insert_stage_stays",
    "funnel/insert_deal_facts",
    "funnel/insert_win_cycles",
    "funnel/insert_deal_closings",
    "funnel/add_refresh_cells",  # ... and after
    "funnel/delete_win_cycle_days",
    "funnel/delete_stay_days",
    "funnel/delete_closing_days",
    "funnel/delete_won_counts",
    "funnel/delete_cohort_counts",
    "funnel/delete_open_counts",
    "funnel/delete_potential_months",
)


# the count tables a full rebuild counts whole (potential_months is rebuilt apart); those
# recounted a month or quarter start whole, every rep's (no $rep_ids); and those recounted for
# another's cells: won_counts counts the same deals' closings as closing_days
_COUNTS = (
    "win_cycle_days",
    "stay_days",
    "closing_days",
    "won_counts",
    "cohort_counts",
    "open_counts",
    "quarter_state_counts",
)
_WHOLE_CELLS = ("potential_months", "quarter_state_counts")
_SAME_CELLS = {"closing_days": ("won_counts",)}


def _count(cur: duckdb.DuckDBPyConnection, name: str, cells: dict[str, Any] | None = None) -> None:
    """Count into the table `name` (funnel/count_<name>) every cell (`cells` None), or one row
    of list_refresh_months: a month (or quarter start; null: open_counts' deals with no due
    date) and its reps."""
    params: dict[str, Any] = {
        "full_rebuild": cells is None,
        "month": cells["month"] if cells else None,
    }
    if name not in _WHOLE_CELLS:
        params["rep_ids"] = cells["rep_ids"] if cells else None
    sql.execute(cur, f"funnel/count_{name}", **params)


def _orders_changed(cur: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The orders' sources now when they differ from what order_facts was built from."""
    sources = sql.fetch_one(cur, "funnel/measure_order_sources")
    return None if sql.fetch_one(cur, "funnel/get_order_facts_state") == sources else sources


def _accounts_changed(cur: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The accounts' territories and owners now when they differ from what potential_months
    was counted with."""
    accounts = sql.fetch_one(cur, "funnel/measure_accounts")
    return None if sql.fetch_one(cur, "funnel/get_account_state") == accounts else accounts


def refresh_history(
    cur: duckdb.DuckDBPyConnection, now: dt.datetime | None = None
) -> HistoryRefresh:
    """Fold new events into the derived history tables, changed orders into order_facts, and
    moved accounts into potential_months (run inside a write transaction)."""
    state = sql.fetch_one(cur, "funnel/get_history_state")
    through = int(state["through_event_id"]) if state else 0
    sources = sql.fetch_one(cur, "funnel/measure_history_sources", through_event_id=through)
    new_events = int(sources["new_events"])
    last_event_id = int(sources["last_event_id"])
    events, deals = int(sources["events"]), int(sources["deals"])
    orders = _orders_changed(cur)
    accounts = _accounts_changed(cur)
    if (
        state is not None
        and new_events == 0
        and events == state["events_seen"]
        and deals == state["deals_seen"]
    ):
        if orders is None and accounts is None:
            return HistoryRefresh("none", 0, through)
        # only orders or accounts changed: order_facts or potential_months alone, rebuilt
        # whole (their statements read an empty history_refresh_deals and history_refresh_cells:
        # no deal to refresh)
        sql.execute(cur, "funnel/create_refresh_deals", through_event_id=last_event_id)
        sql.execute(cur, "funnel/create_refresh_cells")
        if orders is not None:
            _rebuild_order_facts(cur, orders, full=True)
        if accounts is not None:
            _rebuild_potential(cur, accounts)
        return HistoryRefresh("none", 0, through, orders_rebuilt=orders is not None)
    # events only ever get appended; fewer than seen (or deals without new events) means rows
    # were removed (an undone import): rebuild everything
    full = (
        state is None
        or events != int(state["events_seen"]) + new_events
        or (new_events == 0 and deals != int(state["deals_seen"]))
    )
    if full:
        sql.execute(cur, "funnel/create_refresh_deals", through_event_id=last_event_id)
        refreshed = deals
    else:
        sql.execute(cur, "funnel/create_refresh_deals", through_event_id=through)
        refreshed = int(sql.fetch_one(cur, "funnel/count_refresh_deals")["deals"])
    # the quarter starts deal_quarter_states holds, before the refreshed deals' rows go
    held = (
        []
        if full
        else sql.fetch_all(cur, "funnel/list_state_quarters_after", through_event_id=through)
    )
    sql.execute(cur, "funnel/create_refresh_cells")
    for name in _DEAL_HISTORY:
        sql.execute(cur, name, full_rebuild=full)
    _rebuild_counts(cur, full, held)
    if full or accounts is not None:  # every month's potential (moved with the accounts)
        _rebuild_potential(cur, accounts or sql.fetch_one(cur, "funnel/measure_accounts"))
    # the refreshed deals' orders follow their scope fields; every order when orders changed
    _rebuild_order_facts(cur, orders, full=full or orders is not None)
    sql.execute(
        cur,
        "funnel/set_history_state",
        through_event_id=last_event_id,
        events_seen=events,
        deals_seen=deals,
        refreshed_at=now or dt.datetime.now(),
    )
    return HistoryRefresh(
        "full" if full else "incremental", refreshed, last_event_id, orders is not None
    )


def _rebuild_counts(cur: duckdb.DuckDBPyConnection, full: bool, held: list[dict[str, Any]]) -> None:
    """deal_quarter_states, then the counts (_COUNTS; of potential_months the
    refreshed months only, _rebuild_potential does a full rebuild) after the deal history:
    everything, or (an incremental refresh) the refreshed deals' states and cells, one quarter
    start or month at a time so each reads only its own row groups. `held` lists the quarter
    starts of an incremental refresh (list_state_quarters_after); one the table did not hold
    gets every other deal's state too."""
    quarters = held or [
        {"quarter_start": row["quarter_start"], "is_held": False}
        for row in sql.fetch_all(cur, "funnel/list_state_quarters")
    ]
    starts = [quarter["quarter_start"] for quarter in quarters]
    sql.execute(cur, "funnel/insert_quarter_states", full_rebuild=full, quarter_starts=starts)
    new_starts = [] if full else [q["quarter_start"] for q in quarters if not q["is_held"]]
    for start in new_starts:
        sql.execute(cur, "funnel/insert_quarter_states_at", at=start)
    if full:
        sql.execute(cur, "funnel/delete_quarter_state_counts", full_rebuild=True)
        for name in _COUNTS:
            _count(cur, name)
        return
    sql.execute(cur, "funnel/add_quarter_state_cells", quarter_starts=new_starts)
    sql.execute(cur, "funnel/delete_quarter_state_counts", full_rebuild=False)
    for cells in sql.fetch_all(cur, "funnel/list_refresh_months"):
        for name in (cells["counts"], *_SAME_CELLS.get(cells["counts"], ())):
            _count(cur, name, cells)


def _rebuild_potential(cur: duckdb.DuckDBPyConnection, accounts: dict[str, Any]) -> None:
    """potential_months whole (a full rebuild, or accounts moved); records the accounts it was
    counted with."""
    sql.execute(cur, "funnel/delete_potential_months", full_rebuild=True)
    _count(cur, "potential_months")
    sql.execute(cur, "funnel/set_account_state", **accounts)


def _rebuild_order_facts(
    cur: duckdb.DuckDBPyConnection, orders: dict[str, Any] | None, full: bool
) -> None:
    """order_facts for every order (full) or the orders of history_refresh_deals; records the
    orders' sources when they had changed."""
    sql.execute(cur, "funnel/delete_order_facts", full_rebuild=full)
    sql.execute(cur, "funnel/insert_order_facts", full_rebuild=full)
    if orders is not None:
        sql.execute(cur, "funnel/set_order_facts_state", **orders)


def history_is_current(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived history holds every event and order_facts every order (cheap
    checks; no refresh needed when True)."""
    state = sql.fetch_one(cur, "funnel/get_history_state")
    if state is None:
        return False
    sources = sql.fetch_one(
        cur, "funnel/measure_history_sources", through_event_id=int(state["through_event_id"])
    )
    return (
        int(sources["new_events"]) == 0
        and int(sources["events"]) == int(state["events_seen"])
        and int(sources["deals"]) == int(state["deals_seen"])
        and _orders_changed(cur) is None
        and _accounts_changed(cur) is None
    )


# --------------------------------------------------------------------------- helpers


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _check_slice(slice_by: str) -> None:
    if slice_by not in SLICES:
        raise ValidationError(f"cannot slice by {slice_by!r}; choose one of {', '.join(SLICES)}")


def _bounded(period: Period, what: str) -> None:
    if period.start is None or period.end is None:
        raise ValidationError(f"the {what} needs a first and a last day")


def period_end_or_now(period: Period, now: dt.datetime) -> dt.datetime:
    """The moment a period's "open at the end" figures refer to: its end, or now if later."""
    end = _midnight(period.end) if period.end else now
    return min(end, now)


def _compare_params(period: Period, compare: Period | None) -> dict[str, Any]:
    _bounded(period, "period")
    if compare is not None:
        _bounded(compare, "comparison period")
        if compare.start < period.end and period.start < compare.end:
            raise ValidationError(
                f"the comparison period {compare.label} overlaps the period {period.label}; "
                "choose one that does not"
            )
    return {
        "start": _midnight(period.start),
        "end": _midnight(period.end),
        "compare_start": _midnight(compare.start) if compare else None,
        "compare_end": _midnight(compare.end) if compare else None,
    }


# --------------------------------------------------------------------------- funnel


def load_funnel(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    slice_by: str = "none",
    cohort: str = "created",
    compare: Period | None = None,
) -> pd.DataFrame:
    """Per period (1 = the period, 2 = the comparison), slice and open stage: deals and amount
    that reached the stage, conversion to the next stage, and drop-off."""
    _check_slice(slice_by)
    if cohort not in COHORTS:
        raise ValidationError(f"unknown cohort {cohort!r}; choose one of {', '.join(COHORTS)}")
    frame = sql.fetch_df(
        cur,
        "funnel/summarise_funnel",
        **analytics_params(cur, viewer, filters),
        slice_by=slice_by,
        cohort=cohort,
        **_compare_params(period, compare),
    )
    for column in ("reached_amount", "next_amount", "dropped_amount"):
        frame[column] = frame[column].astype(float)
    return frame


def load_outcomes(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    slice_by: str = "none",
    compare: Period | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per period and slice: won, lost, win rates by count and value, bookings, average deal
    size, sales cycle (median, mean), open deals at the period's end and velocity."""
    _check_slice(slice_by)
    now = now or dt.datetime.now()
    params = _compare_params(period, compare)
    frame = sql.fetch_df(
        cur,
        "funnel/summarise_outcomes",
        **analytics_params(cur, viewer, filters),
        slice_by=slice_by,
        **params,
        open_at=period_end_or_now(period, now),
        compare_open_at=period_end_or_now(compare, now) if compare else None,
    )
    for column in ("bookings", "lost_amount", "open_amount", "cycle_days_median"):
        frame[column] = frame[column].astype(float)
    frame["cycle_days_mean"] = frame["cycle_days_mean"].astype(float)
    closed = frame["won"] + frame["lost"]
    frame["win_rate"] = (frame["won"] / closed.where(closed > 0)).astype(float)
    value = frame["bookings"] + frame["lost_amount"]
    frame["win_rate_value"] = (frame["bookings"] / value.where(value > 0)).astype(float)
    frame["avg_deal_size"] = (frame["bookings"] / frame["won"].where(frame["won"] > 0)).round(2)
    cycle = frame["cycle_days_mean"].where(frame["cycle_days_mean"] > 0)
    frame["velocity_per_day"] = (
        frame["open_deals"] * frame["win_rate"] * frame["avg_deal_size"] / cycle
    ).astype(float)
    return frame


def list_funnel_deals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    stage_order: int,
    kind: str = "reached",
    filters: DealFilter = NO_FILTERS,
    slice_by: str = "none",
    slice_key: str | None = None,
    cohort: str = "created",
    limit: int = DEAL_LIMIT,
) -> pd.DataFrame:
    """The deals of the cohort behind a funnel figure: those that reached stage k, were lost
    at it, or are still open at it; optionally of one slice; largest first."""
    _check_slice(slice_by)
    if kind not in FUNNEL_DEAL_KINDS:
        raise ValidationError(f"unknown funnel deal list {kind!r}")
    _bounded(period, "period")
    return sql.fetch_df(
        cur,
        "funnel/list_funnel_deals",
        **analytics_params(cur, viewer, filters),
        slice_by=slice_by,
        slice_key=slice_key,
        cohort=cohort,
        stage_order=stage_order,
        kind=kind,
        limit=limit,
        **period.params(),
    )


# --------------------------------------------------------------------------- time in stage


def load_time_in_stage(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    filters: DealFilter = NO_FILTERS,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per open stage and state ('completed' = stays that ended in the period, 'current' =
    open deals' days in their stage so far): count, mean, and the 5/25/50/75/95th percentiles
    of days in stage."""
    _bounded(period, "period")
    now = now or dt.datetime.now()
    frame = sql.fetch_df(
        cur,
        "funnel/summarise_time_in_stage",
        **analytics_params(cur, viewer, filters),
        **period.params(),
        now=now,
    )
    return frame


def list_stage_stays(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    stage_id: int,
    state: str = "completed",
    filters: DealFilter = NO_FILTERS,
    now: dt.datetime | None = None,
    limit: int = DEAL_LIMIT,
) -> pd.DataFrame:
    """The stays behind a time-in-stage box: deals with their days in the stage, longest first."""
    if state not in ("completed", "current"):
        raise ValidationError(f"unknown stay state {state!r}")
    _bounded(period, "period")
    return sql.fetch_df(
        cur,
        "funnel/list_stage_stays",
        **analytics_params(cur, viewer, filters),
        **period.params(),
        stage_id=stage_id,
        state=state,
        now=now or dt.datetime.now(),
        limit=limit,
    )


# --------------------------------------------------------------------------- as of, waterfall


def load_pipeline_as_of(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    day: dt.date,
    filters: DealFilter = NO_FILTERS,
) -> pd.DataFrame:
    """Open deals, amount and weighted amount per stage as they stood at the end of `day`."""
    frame = sql.fetch_df(
        cur,
        "funnel/summarise_pipeline_as_of",
        **analytics_params(cur, viewer, filters),
        at=_midnight(day + dt.timedelta(days=1)),
    )
    for column in ("amount", "weighted_amount"):
        frame[column] = frame[column].astype(float)
    return frame


def list_pipeline_as_of(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    day: dt.date,
    stage_id: int | None = None,
    filters: DealFilter = NO_FILTERS,
    limit: int = DEAL_LIMIT,
) -> pd.DataFrame:
    """The open deals at the end of `day` (optionally in one stage), largest first."""
    return sql.fetch_df(
        cur,
        "funnel/list_pipeline_as_of",
        **analytics_params(cur, viewer, filters),
        at=_midnight(day + dt.timedelta(days=1)),
        stage_id=stage_id,
        limit=limit,
    )


def _waterfall_params(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    first_day: dt.date,
    last_day: dt.date,
    window: Period | None,
    filters: DealFilter,
) -> dict[str, Any]:
    if last_day < first_day:
        raise ValidationError(f"the waterfall ends ({last_day}) before it starts ({first_day})")
    if window is not None:
        _bounded(window, "close window")
    return {
        **analytics_params(cur, viewer, filters),
        "from_at": _midnight(first_day),
        "to_at": _midnight(last_day + dt.timedelta(days=1)),
        "window_start": window.start if window else None,
        "window_end": window.end if window else None,
    }


def load_waterfall(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    first_day: dt.date,
    last_day: dt.date,
    window: Period | None = None,
    filters: DealFilter = NO_FILTERS,
) -> pd.DataFrame:
    """The pipeline waterfall from the start of first_day to the end of last_day, for deals
    expected to close in `window` (None = all open deals): one row per step (start, new,
    increased, decreased, pushed out, pulled in, won, lost, end) with deals and signed amount."""
    frame = sql.fetch_df(
        cur,
        "funnel/summarise_waterfall",
        **_waterfall_params(cur, viewer, first_day, last_day, window, filters),
    )
    frame["label"] = frame["step"].map(WATERFALL_STEPS)
    return frame


def waterfall_balance(frame: pd.DataFrame) -> Decimal:
    """Start + every flow - end: zero when the waterfall reconciles (it always should)."""
    amounts = dict(zip(frame["step"], frame["amount"], strict=True))
    flows = sum(
        (Decimal(str(amounts[step])) for step in WATERFALL_STEPS if step != "end"), Decimal(0)
    )
    return flows - Decimal(str(amounts["end"]))


def list_waterfall_deals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    first_day: dt.date,
    last_day: dt.date,
    step: str,
    window: Period | None = None,
    filters: DealFilter = NO_FILTERS,
    limit: int = DEAL_LIMIT,
) -> pd.DataFrame:
    """The deals behind one waterfall step, largest amount first."""
    if step not in WATERFALL_STEPS:
        raise ValidationError(f"unknown waterfall step {step!r}")
    return sql.fetch_df(
        cur,
        "funnel/list_waterfall_deals",
        **_waterfall_params(cur, viewer, first_day, last_day, window, filters),
        step=step,
        limit=limit,
    )
