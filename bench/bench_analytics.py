"""Benchmark the Funnel, Territory and Forecast tabs' queries on DuckDB against plain pandas.

Run from the project root (reuses bench/data/analytics_<N>.duckdb, else copies
bench/data/bench_<N>.duckdb built by bench_overview.py, else builds the demo):

    python bench/bench_analytics.py --deals 10000000 --runs 5

For a workspace of N demo deals (seed 7, as of 2026-11-25) the script

1. prepares the workspace: migrations, furthest_stage_order backfilled from the events when a
   workspace predates it, and the derived deal history (deal_spans, deal_stage_stays,
   deal_facts, deal_win_cycles) built by funnel.refresh_history - each timed once and
   reported;
2. times each tab's full set of calls exactly as its page makes them on first load (a fresh
   cursor per call, no Streamlit cache; period 2026-Q4, today 2026-11-25, admin viewer):
   * Funnel: load_funnel (compared with the period before), load_outcomes (the same),
     load_time_in_stage, load_pipeline_as_of(today), load_waterfall (quarter start to today,
     the quarter's close window);
   * Territory: load_territories, load_rep_workload;
   * Forecast: load_forecast, load_history (4 quarters + the current one), explain_gap,
     load_what_works;
3. reads the raw tables into pandas once (only the columns needed, compact types; timed on
   its own, with putting the events in deal and time order) and computes, with pandas alone,
   the same figures each of those calls returns - every call deriving from the raw frames
   what the DuckDB side reads from derived tables (the state each event left a deal in and
   until when, stage stays, closings, win cycles), the naive way, inside its own time;
4. checks that both sides agree on every figure they return (the same rows; counts exactly,
   money to the cent, days to 1e-6, rates to 1e-9) and lists what it compared;
5. prints a Markdown report and writes it to --out.

DuckDB times are medians of --runs warm runs after one untimed warm-up, wall and CPU (this
process's CPU time, all DuckDB threads: on a shared machine it moves far less with the load
than wall time); pandas times are medians of --pandas-runs runs (no warm-up), wall and CPU
too; in milliseconds.
On a shared virtual machine the same run moves by a fifth from one minute to the next: the
report gives the machine's speed just before the DuckDB runs (a fixed CPU-bound query) and
the CPU time the hypervisor gave to other machines during them (steal), to compare runs by.
--json-out keeps the DuckDB timings; --before FILE puts such a file's figures (say, from the
code before a change) next to this run's in the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import forecast, funnel, territory  # noqa: E402
from dashboard.auth import Viewer  # noqa: E402
from dashboard.db import Database, close_all, open_database  # noqa: E402
from dashboard.metrics import DealFilter, Period, add_months, quarters_back  # noqa: E402

SEED = 7
AS_OF = dt.date(2026, 11, 25)
TODAY = AS_OF
NOW = dt.datetime.combine(TODAY, dt.time(23, 59, 59))
PERIOD = Period.quarter_of(AS_OF)
PREVIOUS = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))
NO_FILTERS = DealFilter()
ADMIN = Viewer(user_id=0, email="bench@localhost", display_name="Bench", role="admin")
BUDGET_MS = 500


def cpu_ticks() -> tuple[int, int] | None:
    """(steal, total) CPU ticks of the machine so far (Linux /proc/stat; None elsewhere): on a
    virtual machine, the share the hypervisor gave to others while we measured."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(value) for value in fields]
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks[:8])


def machine_speed() -> float:
    """ms of a fixed CPU-bound DuckDB query on 2 threads (median of 3): the same on the same
    machine, so runs on a busier or slower host can be told apart."""
    con = duckdb.connect()
    try:
        con.execute("set threads = 2")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            con.execute("select sum(i * i % 7) from range(100000000) as t(i)").fetchall()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
    finally:
        con.close()


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    if before is None or after is None or after[1] == before[1]:
        return "unknown"
    return f"{(after[0] - before[0]) / (after[1] - before[1]):.0%}"


def prepare(workdir: Path, deals: int) -> tuple[Path, dict[str, float]]:
    """The analytics workspace for N deals, ready to read; with the one-off times."""
    path = workdir / f"analytics_{deals}.duckdb"
    timings: dict[str, float] = {}
    if not path.exists():
        source = workdir / f"bench_{deals}.duckdb"
        if source.exists():
            shutil.copyfile(source, path)
        else:
            started = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "dashboard",
                    "demo",
                    "--db",
                    str(path),
                    "--deals",
                    str(deals),
                    "--seed",
                    str(SEED),
                    "--as-of",
                    AS_OF.isoformat(),
                ],
                cwd=PROJECT_ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            timings["demo build (s)"] = time.perf_counter() - started
    db = open_database(str(path))
    with db.transaction() as cur:
        missing = cur.execute(
            "select count(*) from opportunities where furthest_stage_order is null"
        ).fetchone()[0]
        if missing:
            started = time.perf_counter()
            cur.execute(
                "update opportunities set furthest_stage_order = reached.furthest from ("
                " select events.opportunity_id, max(case when stages.is_won then 7"
                " when stages.is_lost then null else stages.sort_order end) as furthest"
                " from opportunity_events as events inner join stages"
                " on stages.stage_id = events.stage_id group by events.opportunity_id"
                ") as reached where reached.opportunity_id = opportunities.opportunity_id"
                " and opportunities.furthest_stage_order is null"
            )
            timings["furthest_stage_order backfill (s)"] = time.perf_counter() - started
    started = time.perf_counter()
    with db.transaction() as cur:
        done = funnel.refresh_history(cur)
    if done.mode != "none":
        timings[f"history refresh, {done.mode} (s)"] = time.perf_counter() - started
    close_all()
    return path, timings


Step = tuple[str, Callable[[], Any]]


def duckdb_tabs(db: Database) -> dict[str, list[Step]]:
    def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
        def run() -> Any:
            with db.reading() as cur:
                return function(cur, *args, **kwargs)

        return run

    with db.reading() as cur:  # the page passes the forecast it already loaded
        units = forecast.load_forecast(cur, ADMIN, PERIOD, NO_FILTERS, NOW)
    goal = float(units[units["unit_level"] == "total"]["goal"].iloc[0])

    return {
        "Funnel": [
            (
                "load_funnel",
                call(funnel.load_funnel, ADMIN, PERIOD, NO_FILTERS, "none", "created", PREVIOUS),
            ),
            (
                "load_outcomes",
                call(funnel.load_outcomes, ADMIN, PERIOD, NO_FILTERS, "none", PREVIOUS, NOW),
            ),
            ("load_time_in_stage", call(funnel.load_time_in_stage, ADMIN, PERIOD, NO_FILTERS, NOW)),
            ("load_pipeline_as_of", call(funnel.load_pipeline_as_of, ADMIN, TODAY)),
            ("load_waterfall", call(funnel.load_waterfall, ADMIN, PERIOD.start, TODAY, PERIOD)),
        ],
        "Territory": [
            (
                "load_territories",
                call(territory.load_territories, ADMIN, PERIOD, NO_FILTERS, TODAY),
            ),
            ("load_rep_workload", call(territory.load_rep_workload, ADMIN, PERIOD)),
        ],
        "Forecast": [
            ("load_forecast", call(forecast.load_forecast, ADMIN, PERIOD, NO_FILTERS, NOW)),
            ("load_history", call(forecast.load_history, ADMIN, TODAY)),
            ("explain_gap", call(forecast.explain_gap, ADMIN, PERIOD, NO_FILTERS, goal, units)),
            ("load_what_works", call(forecast.load_what_works, ADMIN, PERIOD)),
        ],
    }


def time_steps(
    steps: list[Step], runs: int, warm_up: bool = True
) -> tuple[dict[str, Any], dict[str, float], dict[str, float]]:
    """Results of each step, and the median wall ms and median CPU ms (this process, all its
    threads) of each and of the whole set over `runs`. CPU time hardly moves with the load
    other programs put on the machine; wall time does."""
    results: dict[str, Any] = {}
    if warm_up:
        for name, run in steps:
            results[name] = run()
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    cpu: dict[str, list[float]] = {name: [] for name, _ in steps}
    totals: list[float] = []
    cpu_totals: list[float] = []
    for _ in range(runs):
        started_all, cpu_all = time.perf_counter(), time.process_time()
        for name, run in steps:
            started, cpu_started = time.perf_counter(), time.process_time()
            results[name] = run()
            times[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
        totals.append((time.perf_counter() - started_all) * 1000)
        cpu_totals.append((time.process_time() - cpu_all) * 1000)
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians["whole tab"] = statistics.median(totals)
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    cpu_medians["whole tab"] = statistics.median(cpu_totals)
    return results, medians, cpu_medians


# --------------------------------------------------------------------------- pandas side
#
# The raw tables are read once into DataFrames - only the columns the figures need, in
# compact types: ids int32, stages int8, categories as pandas categoricals, money as whole
# cents (or 1/10,000ths), so sums are exact - and the events are put in deal and time order
# once. Every call then derives what it needs from these frames (the state each event left a
# deal in and until when, stage stays, closings, win cycles, roll-ups), as a plain pandas
# program would, and that work counts in its time. amount x probability is a float, as DuckDB
# computes it (a double); where the SQL casts a double or a 4-place decimal to cents, pandas
# rounds the same way (half away from zero).

INFINITY = np.iinfo(np.int64).max  # deal_spans' 'infinity': the state still holds
DAY_US = 86_400_000_000
KIND_RANK = {"month": 1, "quarter": 2, "year": 3}
HISTORY_QUARTERS = 4

RAW_TABLES = {
    "deals": "select opportunity_id::integer as opportunity_id, account_id, owner_rep_id,"
    " product_id, territory_id, stage_id::tinyint as stage_id, lead_source,"
    " (amount_rc * 100)::bigint as cents, (probability * 100)::smallint as basis_points,"
    " forecast_category::enum('pipeline', 'best_case', 'commit', 'closed', 'omitted')"
    " as forecast_category,"
    " discount_pct::double as discount_pct, expected_close_date, created_at, closed_at,"
    " furthest_stage_order::tinyint as furthest_stage_order from opportunities",
    "events": "select opportunity_id::integer as opportunity_id, event_id, occurred_at,"
    " stage_id::tinyint as stage_id, (amount_rc * 100)::bigint as cents,"
    " (probability * 100)::smallint as basis_points, expected_close_date,"
    " forecast_category::enum('pipeline', 'best_case', 'commit', 'closed', 'omitted')"
    " as forecast_category from opportunity_events",
    "stages": "select stage_id, pipeline_name, stage_name, sort_order, forecast_category,"
    " is_won, is_lost, is_active from stages",
    "reps": "select rep_id, full_name, team_id, territory_id from reps",
    "teams": "select team_id, team_name from teams",
    "territories": "select territory_id, territory_name, parent_territory_id, territory_kind,"
    " country_code, country_iso3, subdivision_code from territories",
    "accounts": "select account_id, territory_id, owner_rep_id from accounts",
    "products": "select product_id, product_name from products",
    "goals": "select period_kind, period_start, period_end, scope_kind, scope_id, metric,"
    " (target * 100)::bigint as target_cents from goals",
    "orders": "select order_id, opportunity_id, order_date, order_status, delivery_status"
    " from orders",
    "order_lines": "select order_id, (sales_amount * 10000)::bigint as sales_units"
    " from order_lines",
    "returns": "select order_id, (return_amount * 10000)::bigint as return_units from returns",
    "submissions": "select submission_id, period_start, scope_kind, scope_id,"
    " forecast_amount::double as forecast_amount, submitted_at from forecast_submissions",
}


def load_frames(db: Database) -> tuple[dict[str, pd.DataFrame], float]:
    """The raw tables as DataFrames, the events in deal and time order (event id breaking
    ties); with the seconds that ordering took."""
    frames: dict[str, pd.DataFrame] = {}
    with db.reading() as cur:
        for name, query in RAW_TABLES.items():
            frames[name] = cur.execute(query).df()
    for name, column in (
        ("deals", "lead_source"),
        ("orders", "order_status"),
        ("orders", "delivery_status"),
    ):
        frames[name][column] = frames[name][column].astype("category")
    started = time.perf_counter()
    events = frames["events"]
    deal = events["opportunity_id"].to_numpy()
    at = events["occurred_at"].to_numpy().view("i8")
    event_id = events["event_id"].to_numpy()
    later = (deal[1:] > deal[:-1]) | (
        (deal[1:] == deal[:-1])
        & ((at[1:] > at[:-1]) | ((at[1:] == at[:-1]) & (event_id[1:] > event_id[:-1])))
    )
    ordered = bool(later.all())
    del later
    if ordered:
        frames["events"] = events.drop(columns=["event_id"])
    else:
        # reorder column by column, letting each original go: the peak stays one column above
        # the frame instead of a second copy of it
        order = np.lexsort((event_id, at, deal))
        del deal, at, event_id
        events.pop("event_id")
        columns = {
            name: events.pop(name).take(order).reset_index(drop=True) for name in list(events)
        }
        frames["events"] = pd.DataFrame(columns, copy=False)
        del order, columns
    return frames, time.perf_counter() - started


def _us(value: dt.date | dt.datetime) -> int:
    """Microseconds since the epoch: how timestamps compare here (as int64)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return int(np.datetime64(value, "us").astype(np.int64))


def _times(series: pd.Series) -> np.ndarray:
    """A timestamp column as int64 microseconds (NaT is the smallest int64: before anything)."""
    return series.to_numpy(dtype="datetime64[us]").view("i8")


def _in(column: pd.Series, period: Period) -> pd.Series:
    return (column >= pd.Timestamp(period.start)) & (column < pd.Timestamp(period.end))


def _round_cents(values: Any) -> Any:
    """Dollars as a double cast to decimal(18, 2) by DuckDB: half away from zero."""
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.floor(np.abs(values) * 100 + 0.5) / 100


def _units_to_dollars(units: Any) -> Any:
    """A sum in 1/10,000ths (decimal(18, 4)) cast to decimal(18, 2): half away from zero."""
    units = np.asarray(units, dtype=np.int64)
    return np.sign(units) * ((np.abs(units) + 50) // 100) / 100


def _weighted(cents: Any, basis_points: Any) -> np.ndarray:
    """amount x probability / 100 as DuckDB computes it: the exact product, then a double."""
    product = np.asarray(cents, dtype=np.int64) * np.asarray(basis_points, dtype=np.int64)
    return product / 1e4 / 100


class Tables:
    """The raw frames, with lookups by stage id (nine rows; built once, not timed)."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.deals = frames["deals"]
        self.events = frames["events"]
        self.stages = frames["stages"]
        self.reps = frames["reps"]
        self.teams = frames["teams"]
        self.territories = frames["territories"]
        self.accounts = frames["accounts"]
        self.products = frames["products"]
        self.goals = frames["goals"]
        self.orders = frames["orders"]
        self.order_lines = frames["order_lines"]
        self.returns = frames["returns"]
        self.submissions = frames["submissions"]
        stages = self.stages
        ids = stages["stage_id"].to_numpy()
        size = max(int(ids.max()), 127) + 1  # any int8 stage id indexes these

        def flag(values: pd.Series) -> np.ndarray:
            array = np.zeros(size, dtype=bool)
            array[ids] = values.to_numpy(dtype=bool)
            return array

        self.is_won = flag(stages["is_won"])
        self.is_lost = flag(stages["is_lost"])
        self.is_closed = self.is_won | self.is_lost
        self.is_open = flag(~stages["is_won"] & ~stages["is_lost"])
        self.is_active_open = flag(~stages["is_won"] & ~stages["is_lost"] & stages["is_active"])

    def scoped_deals(self) -> pd.DataFrame:
        """The deals the viewer may see: the admin sees every deal owned by a rep."""
        visible = self.deals["owner_rep_id"].isin(self.reps["rep_id"])
        return self.deals if visible.all() else self.deals[visible]

    def by_deal(self, deals: pd.DataFrame, values: np.ndarray, fill: Any) -> np.ndarray:
        """Values of some deals as an array indexed by opportunity id (a join by deal id)."""
        size = max(
            int(self.deals["opportunity_id"].max()), int(self.events["opportunity_id"].max())
        )
        array = np.full(size + 1, fill, dtype=np.asarray(values).dtype)
        array[deals["opportunity_id"].to_numpy()] = values
        return array


class History:
    """The event history as one call derives it: the events in deal and time order, and for
    each the instant of the deal's next event - the state an event leaves holds from its
    instant until then (several events at one instant: the last holds). Stage stays on
    demand."""

    def __init__(self, tables: Tables) -> None:
        events = tables.events
        self.deal = events["opportunity_id"].to_numpy()
        self.at = events["occurred_at"].to_numpy().view("i8")
        self.stage = events["stage_id"].to_numpy()
        self.cents = events["cents"].to_numpy()
        same = self.deal[1:] == self.deal[:-1]
        self.next_at = np.full(len(self.at), INFINITY, dtype=np.int64)
        self.next_at[:-1][same] = self.at[1:][same]
        scoped = tables.scoped_deals()
        self.visible = tables.by_deal(scoped, np.ones(len(scoped), dtype=bool), False)[self.deal]
        self.open_visible = tables.is_open[self.stage] & self.visible

    def open_at(self, at: int) -> np.ndarray:
        """The events holding each open deal's state just before `at` (its last one before)."""
        return np.flatnonzero(self.open_visible & (self.at < at) & (self.next_at >= at))

    def stays(self, entries: bool = False) -> dict[str, np.ndarray]:
        """Runs of one stage in the standing states (the last event at each instant): per run
        its deal, stage, entry, exit (the deal's next event after it; INFINITY while it lasts)
        and its last standing event; the standing events ('kept') and, with `entries`, each
        one's stage entry (its run's)."""
        kept = np.flatnonzero(self.next_at > self.at)
        deal, stage = self.deal[kept], self.stage[kept]
        first = np.ones(len(kept), dtype=bool)
        first[1:] = (deal[1:] != deal[:-1]) | (stage[1:] != stage[:-1])
        starts = np.flatnonzero(first)
        last = kept[np.append(starts[1:], len(kept)) - 1]
        entered = self.at[kept[starts]]
        return {
            "kept": kept,
            "kept_entered": entered[np.cumsum(first) - 1] if entries else None,
            "deal": deal[starts],
            "stage": stage[starts],
            "entered": entered,
            "left": self.next_at[last],
            "last_event": last,
        }


def _names(frame: pd.DataFrame, key: str, name: str) -> dict[Any, str]:
    return dict(zip(frame[key], frame[name], strict=True))


# ------------------------------------------------------------------ pandas: Funnel


def pandas_funnel(
    tables: Tables, period: Period, compare: Period | None, cohort: str = "created"
) -> pd.DataFrame:
    """load_funnel (no slice): per period and open stage, deals and amount that reached it,
    reached the next, conversion and drop-off, from the deals' furthest stage."""
    deals = tables.scoped_deals()
    stages = tables.stages
    open_stages = stages[
        (stages["pipeline_name"] == "default")
        & ~stages["is_won"]
        & ~stages["is_lost"]
        & stages["is_active"]
    ].sort_values("sort_order")
    column = deals["closed_at" if cohort == "closed" else "created_at"]
    rows = []
    for period_no, window in ((1, period), (2, compare)):
        if window is None:
            continue
        mask = _in(column, window)
        if period_no == 2:
            mask &= ~_in(column, period)
        members = deals.loc[mask, ["furthest_stage_order", "stage_id", "cents"]]
        if members.empty:
            continue
        grouped = (
            members.groupby(["furthest_stage_order", "stage_id"], dropna=False)["cents"]
            .agg(["size", "sum"])
            .reset_index()
        )
        furthest = grouped["furthest_stage_order"].to_numpy(dtype=float, na_value=np.nan)
        stage_ids = grouped["stage_id"].to_numpy()
        won, lost = tables.is_won[stage_ids], tables.is_lost[stage_ids]
        count, cents = grouped["size"].to_numpy(), grouped["sum"].to_numpy()
        for stage in open_stages.itertuples():
            k = stage.sort_order
            reached = furthest >= k
            onward = (furthest > k) | ((furthest == k) & won)
            here = furthest == k
            rows.append(
                {
                    "period_no": period_no,
                    "slice_key": "All",
                    "stage_order": k,
                    "stage_name": stage.stage_name,
                    "reached": int(count[reached].sum()),
                    "reached_amount": cents[reached].sum() / 100,
                    "next_deals": int(count[onward].sum()),
                    "next_amount": cents[onward].sum() / 100,
                    "dropped_lost": int(count[here & lost].sum()),
                    "dropped_open": int(count[here & ~won & ~lost].sum()),
                    "dropped_amount": cents[here & ~won].sum() / 100,
                }
            )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["conversion"] = frame["next_deals"] / frame["reached"].where(frame["reached"] > 0)
        frame["dropped"] = frame["dropped_lost"] + frame["dropped_open"]
    return frame


def pandas_outcomes(
    tables: Tables, period: Period, compare: Period | None, now: dt.datetime
) -> pd.DataFrame:
    """load_outcomes (no slice): won, lost, bookings, lost amount and cycle days of the deals
    closed in each period; the deals open at its end (or now), from the event history."""
    deals = tables.scoped_deals()
    history = History(tables)
    rows = []
    for period_no, window in ((1, period), (2, compare)):
        if window is None:
            continue
        mask = _in(deals["closed_at"], window)
        if period_no == 2:
            mask &= ~_in(deals["closed_at"], period)
        closed = deals.loc[mask, ["stage_id", "cents", "created_at", "closed_at"]]
        won = closed[tables.is_won[closed["stage_id"].to_numpy()]]
        lost = closed[tables.is_lost[closed["stage_id"].to_numpy()]]
        cycle = (won["closed_at"].dt.normalize() - won["created_at"].dt.normalize()).dt.days
        open_rows = history.open_at(_us(funnel.period_end_or_now(window, now)))
        if won.empty and lost.empty and not len(open_rows):
            continue
        rows.append(
            {
                "period_no": period_no,
                "slice_key": "All",
                "won": len(won),
                "lost": len(lost),
                "bookings": won["cents"].sum() / 100,
                "lost_amount": lost["cents"].sum() / 100,
                "cycle_days_median": cycle.median() if len(cycle) else np.nan,
                "cycle_days_mean": cycle.mean() if len(cycle) else np.nan,
                "open_deals": len(open_rows),
                "open_amount": history.cents[open_rows].sum() / 100,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    closed = frame["won"] + frame["lost"]
    frame["win_rate"] = frame["won"] / closed.where(closed > 0)
    value = frame["bookings"] + frame["lost_amount"]
    frame["win_rate_value"] = frame["bookings"] / value.where(value > 0)
    frame["avg_deal_size"] = (frame["bookings"] / frame["won"].where(frame["won"] > 0)).round(2)
    cycle_mean = frame["cycle_days_mean"].where(frame["cycle_days_mean"] > 0)
    frame["velocity_per_day"] = (
        frame["open_deals"] * frame["win_rate"] * frame["avg_deal_size"] / cycle_mean
    )
    return frame


def pandas_time_in_stage(tables: Tables, period: Period, now: dt.datetime) -> pd.DataFrame:
    """load_time_in_stage: stage stays rebuilt from the events; per open stage, the stays
    that ended in the period and the current ones: count, mean and percentiles of whole days
    (the floor of the time in the stage)."""
    history = History(tables)
    stays = history.stays()
    keep = tables.is_open[stays["stage"]] & history.visible[stays["last_event"]]
    start, end, now_us = _us(period.start), _us(period.end), _us(now)
    completed = keep & (stays["left"] >= start) & (stays["left"] < end)
    current = keep & (stays["left"] == INFINITY) & (stays["entered"] <= now_us)
    measured = pd.DataFrame(
        {
            "stage_id": np.concatenate([stays["stage"][completed], stays["stage"][current]]),
            "is_current": np.repeat([False, True], [completed.sum(), current.sum()]),
            "days": np.concatenate(
                [
                    stays["left"][completed] - stays["entered"][completed],
                    now_us - stays["entered"][current],
                ]
            )
            // DAY_US,
        }
    )
    grouped = measured.groupby(["stage_id", "is_current"])["days"]
    summary = grouped.agg(["size", "mean"])
    quantiles = grouped.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    frame = pd.DataFrame(
        {
            "stays": summary["size"],
            "mean_days": summary["mean"],
            "p05_days": quantiles[0.05],
            "p25_days": quantiles[0.25],
            "median_days": quantiles[0.5],
            "p75_days": quantiles[0.75],
            "p95_days": quantiles[0.95],
        }
    ).reset_index()
    frame["state"] = np.where(frame["is_current"], "current", "completed")
    stages = tables.stages[["stage_id", "sort_order", "stage_name"]]
    frame = frame.merge(stages.rename(columns={"sort_order": "stage_order"}), on="stage_id")
    return frame.drop(columns=["is_current"]).sort_values(["state", "stage_order"])


def pandas_pipeline_as_of(tables: Tables, day: dt.date) -> pd.DataFrame:
    """load_pipeline_as_of: the open deals at the end of `day` (each deal's last event before
    the next midnight) per open stage: deals, amount, weighted amount."""
    history = History(tables)
    rows = history.open_at(_us(day + dt.timedelta(days=1)))
    points = tables.events["basis_points"].to_numpy()[rows]
    open_then = pd.DataFrame(
        {
            "stage_id": history.stage[rows],
            "cents": history.cents[rows],
            "weighted": _weighted(history.cents[rows], points),
        }
    )
    grouped = open_then.groupby("stage_id").agg(
        deals=("cents", "size"), cents=("cents", "sum"), weighted=("weighted", "sum")
    )
    stages = tables.stages[~tables.stages["is_won"] & ~tables.stages["is_lost"]]
    frame = stages[["stage_id", "stage_name", "sort_order", "forecast_category"]].merge(
        grouped, left_on="stage_id", right_index=True, how="left"
    )
    frame["deals"] = frame["deals"].fillna(0).astype(int)
    frame["amount"] = frame["cents"].fillna(0) / 100
    frame["weighted_amount"] = _round_cents(frame["weighted"].fillna(0.0))
    return frame.drop(columns=["cents", "weighted"]).sort_values("sort_order")


def pandas_waterfall(
    tables: Tables, first_day: dt.date, last_day: dt.date, window: Period | None
) -> pd.DataFrame:
    """load_waterfall: the deals open at the start and at the end (last event before each)
    and each deal's latest closing in between (the closed standing states, the deal's next
    closing after each), classified into the nine steps as waterfall_moves does."""
    history = History(tables)
    from_at, to_at = _us(first_day), _us(last_day + dt.timedelta(days=1))
    close_dates = _times(tables.events["expected_close_date"])
    start_rows, end_rows = history.open_at(from_at), history.open_at(to_at)
    at_start = pd.DataFrame(
        {
            "opportunity_id": history.deal[start_rows],
            "start_cents": history.cents[start_rows],
            "start_close": close_dates[start_rows],
        }
    )
    open_end = pd.DataFrame(
        {
            "opportunity_id": history.deal[end_rows],
            "open_cents": history.cents[end_rows],
            "open_close": close_dates[end_rows],
        }
    )
    stays = history.stays(entries=True)
    kept = stays["kept"]
    closed = np.flatnonzero(tables.is_closed[history.stage[kept]] & history.visible[kept])
    closing_deal, closing_at = history.deal[kept[closed]], history.at[kept[closed]]
    next_closing = np.full(len(closed), INFINITY, dtype=np.int64)
    same = closing_deal[1:] == closing_deal[:-1]
    next_closing[:-1][same] = closing_at[1:][same]
    latest = closed[(closing_at >= from_at) & (closing_at < to_at) & (next_closing >= to_at)]
    rows = kept[latest]
    closings = pd.DataFrame(
        {
            "opportunity_id": history.deal[rows],
            "closing_stage": history.stage[rows],
            "closing_cents": history.cents[rows],
            "closed_at": stays["kept_entered"][latest],
        }
    )
    ends = open_end.merge(closings, on="opportunity_id", how="outer")
    ends = ends[ends["open_cents"].notna() | (ends["closed_at"] >= from_at)]
    is_open = ends["open_cents"].notna().to_numpy()
    closing_stage = ends["closing_stage"].fillna(0).to_numpy(dtype=np.int64)
    ends = pd.DataFrame(
        {
            "opportunity_id": ends["opportunity_id"].to_numpy(),
            "end_state": np.where(
                is_open, "open", np.where(tables.is_won[closing_stage], "won", "lost")
            ),
            "end_cents": np.where(is_open, ends["open_cents"], ends["closing_cents"]),
            "end_close": np.where(
                is_open, ends["open_close"], ends["closed_at"] // DAY_US * DAY_US
            ),
        }
    )
    joined = at_start.merge(ends, on="opportunity_id", how="outer")
    scoped = tables.scoped_deals()
    created = tables.by_deal(scoped, _times(scoped["created_at"]), 0)[
        joined["opportunity_id"].to_numpy()
    ]

    def inside(dates: pd.Series) -> np.ndarray:
        if window is None:
            return np.ones(len(dates), dtype=bool)
        return ((dates >= _us(window.start)) & (dates < _us(window.end))).to_numpy()

    was_in = joined["start_cents"].notna().to_numpy() & inside(joined["start_close"])
    ends_in = joined["end_state"].notna().to_numpy() & inside(joined["end_close"])
    keep = was_in | ends_in
    end_state = joined["end_state"].to_numpy()[keep]
    start_cents = joined["start_cents"].to_numpy()[keep]
    end_cents = joined["end_cents"].to_numpy()[keep]
    was_in, ends_in, created = was_in[keep], ends_in[keep], created[keep]
    exit_kind = np.where(ends_in & (end_state == "open"), "in", np.where(ends_in, end_state, "out"))
    entry_kind = np.where(was_in, "start", np.where(created >= from_at, "new", "pulled_in"))
    entry = np.where(
        was_in | (~np.isnan(start_cents) & (entry_kind != "new")), start_cents, end_cents
    )
    leaving = np.where(exit_kind == "out", entry, end_cents)
    change = np.where(exit_kind == "out", 0.0, end_cents - entry)

    def step(mask: np.ndarray, values: np.ndarray, sign: int = 1) -> tuple[int, float]:
        return int(mask.sum()), sign * values[mask].sum() / 100

    steps = {
        "start": step(entry_kind == "start", entry),
        "new": step(entry_kind == "new", entry),
        "increased": step(change > 0, change),
        "decreased": step(change < 0, change),
        "pushed_out": step(exit_kind == "out", leaving, -1),
        "pulled_in": step(entry_kind == "pulled_in", entry),
        "won": step(exit_kind == "won", leaving, -1),
        "lost": step(exit_kind == "lost", leaving, -1),
        "end": step(exit_kind == "in", leaving),
    }
    frame = pd.DataFrame(
        [
            {"position": position, "step": name, "deals": deals, "amount": amount}
            for position, (name, (deals, amount)) in enumerate(steps.items(), start=1)
        ]
    )
    frame["label"] = frame["step"].map(funnel.WATERFALL_STEPS)
    return frame


# ------------------------------------------------------------------ pandas: Territory


def _potential_won(tables: Tables, period: Period) -> pd.DataFrame:
    """Every deal won in the four quarters before the period (the company's, unscoped)."""
    deals = tables.deals
    start, _ = territory.potential_window(period)
    won = tables.is_won[deals["stage_id"].to_numpy()]
    mask = won & _in(deals["closed_at"], Period(start.date(), period.start))
    return deals.loc[mask, ["account_id", "cents"]]


def _subtree_pairs(territories: pd.DataFrame) -> pd.DataFrame:
    """(node_id, territory_id) for every territory under the root (the smallest id without a
    parent) and each territory in its subtree, itself included."""
    parent = {
        int(row.territory_id): None
        if pd.isna(row.parent_territory_id)
        else int(row.parent_territory_id)
        for row in territories.itertuples()
    }
    root = min(key for key, value in parent.items() if value is None)
    pairs = []
    for territory_id in parent:
        chain = [territory_id]
        while parent.get(chain[-1]) is not None and len(chain) <= len(parent):
            chain.append(parent[chain[-1]])
        if root in chain:
            pairs += [(node, territory_id) for node in chain[: chain.index(root) + 1]]
    return pd.DataFrame(pairs, columns=["node_id", "territory_id"])


def _goal_pieces(tables: Tables, scope_kind: str, period: Period) -> pd.DataFrame:
    """goal_shares (021): per month of the period (cut to it) and scope of a kind, each bookings
    goal's target by its days in that piece, the finest period kind the scope has there
    winning; columns scope_id, piece_start, share (dollars)."""
    goals = tables.goals
    goals = goals[(goals["scope_kind"] == scope_kind) & (goals["metric"] == "bookings")]
    starts, ends = goals["period_start"].dt.date, goals["period_end"].dt.date
    pieces = []
    month = dt.date(period.start.year, period.start.month, 1)
    while month < period.end:
        following = add_months(month, 1)
        first, last = max(month, period.start), min(following, period.end)
        here = (starts < last) & (ends > first)
        if here.any():
            found = goals[here]
            rank = found["period_kind"].map(KIND_RANK)
            finest = rank == rank.groupby(found["scope_id"], dropna=False).transform("min")
            found = found[finest]
            inside = np.array(
                [
                    (min(last, end) - max(first, start)).days
                    for start, end in zip(starts[here][finest], ends[here][finest], strict=True)
                ]
            )
            days = (found["period_end"] - found["period_start"]).dt.days.to_numpy()
            pieces.append(
                pd.DataFrame(
                    {
                        "scope_id": found["scope_id"].to_numpy(),
                        "piece_start": month,
                        "share": found["target_cents"].to_numpy() * inside / 100 / days,
                    }
                )
            )
        month = following
    if not pieces:
        return pd.DataFrame({"scope_id": [], "piece_start": [], "share": []})
    return pd.concat(pieces, ignore_index=True)


def _period_goals(tables: Tables, scope_kind: str, period: Period) -> pd.Series:
    """The bookings goal of each scope of a kind over the period (goal_shares), in dollars."""
    pieces = _goal_pieces(tables, scope_kind, period)
    return pieces.groupby("scope_id", dropna=False)["share"].sum()


def pandas_territories(tables: Tables, period: Period, today: dt.date) -> pd.DataFrame:
    """load_territories: per territory, deals by their territory and accounts by theirs,
    rolled up along the hierarchy; goals set or derived from the potential share."""
    deals = tables.scoped_deals()
    stage_ids = deals["stage_id"].to_numpy()
    closed = deals.loc[
        _in(deals["closed_at"], period) & tables.is_closed[stage_ids],
        ["territory_id", "stage_id", "cents"],
    ]
    is_won = tables.is_won[closed["stage_id"].to_numpy()]
    closed = closed.assign(
        won=is_won,
        won_cents=np.where(is_won, closed["cents"], 0),
        lost_cents=np.where(is_won, 0, closed["cents"]),
    )
    leaf_closed = closed.groupby("territory_id").agg(
        won=("won", "sum"),
        closed=("won", "size"),
        bookings=("won_cents", "sum"),
        lost_amount=("lost_cents", "sum"),
    )
    leaf_closed["lost"] = leaf_closed.pop("closed") - leaf_closed["won"]
    open_deals = deals.loc[tables.is_open[stage_ids], ["territory_id", "cents", "basis_points"]]
    open_deals = open_deals.assign(
        weighted=_weighted(open_deals["cents"], open_deals["basis_points"])
    )
    leaf_open = open_deals.groupby("territory_id").agg(
        open_deals=("cents", "size"),
        open_pipeline=("cents", "sum"),
        weighted_pipeline=("weighted", "sum"),
    )
    leaf = leaf_closed.join(leaf_open, how="outer").fillna(0)

    accounts = tables.accounts
    potential = _potential_won(tables, period).merge(accounts, on="account_id")
    owner_potential = potential.groupby(["territory_id", "owner_rep_id"], dropna=False)[
        "cents"
    ].sum()
    valued = (
        accounts.groupby(["territory_id", "owner_rep_id"], dropna=False)
        .size()
        .rename("accounts")
        .to_frame()
        .join(owner_potential.rename("potential"))
        .fillna({"potential": 0})
        .reset_index()
    )
    valued["is_visible"] = valued["owner_rep_id"].isin(tables.reps["rep_id"])
    company_potential = valued["potential"].sum()

    pairs = _subtree_pairs(tables.territories)
    rolled_deals = (
        pairs.merge(leaf, left_on="territory_id", right_index=True)
        .groupby("node_id")[list(leaf.columns)]
        .sum()
    )
    in_view = pairs.merge(valued, on="territory_id")
    visible = in_view[in_view["is_visible"]].groupby("node_id")
    rolled_accounts = pd.DataFrame(
        {
            "accounts": visible["accounts"].sum(),
            "reps_assigned": visible["owner_rep_id"].nunique(),
            "potential": visible["potential"].sum(),
            "company_potential_here": in_view.groupby("node_id")["potential"].sum(),
        }
    )
    company = _period_goals(tables, "company", period)
    company_goal = company.sum() if len(company) else np.nan
    frame = tables.territories[tables.territories["territory_id"].isin(pairs["node_id"])]
    frame = frame.set_index("territory_id").join(rolled_deals).join(rolled_accounts)
    frame["territory_goal"] = _period_goals(tables, "territory", period).reindex(frame.index)
    counts = ["won", "lost", "open_deals", "accounts", "reps_assigned"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    for column in ("bookings", "lost_amount", "open_pipeline", "potential"):
        frame[column] = frame[column].fillna(0) / 100
    frame["weighted_pipeline"] = _round_cents(frame["weighted_pipeline"].fillna(0.0))
    frame = frame[
        (frame["accounts"] > 0)
        | (frame["won"] + frame["lost"] + frame["open_deals"] > 0)
        | frame["territory_goal"].notna()
    ].reset_index()
    frame["depth"] = (
        frame["territory_kind"].map({"world": 0, "region": 1, "district": 2}).fillna(3).astype(int)
    )
    share = frame["company_potential_here"].fillna(0) / (company_potential or np.nan)
    derived = (company_goal * share).round(2)
    frame["goal"] = frame["territory_goal"].where(frame["territory_goal"].notna(), derived)
    frame["goal_source"] = np.where(
        frame["territory_goal"].notna(), "set", np.where(derived.notna(), "derived", "none")
    )
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] > 0)
    closed_count = frame["won"] + frame["lost"]
    frame["win_rate"] = frame["won"] / closed_count.where(closed_count > 0)
    days = territory.selling_days(period, today)
    frame["sales_per_selling_day"] = frame["bookings"] / days if days else np.nan
    return frame.sort_values(["depth", "territory_name"]).drop(
        columns=["company_potential_here", "territory_goal"]
    )


def pandas_rep_workload(tables: Tables, period: Period) -> pd.DataFrame:
    """load_rep_workload: per rep, the accounts they own (how many, in how many territories,
    their potential), open deals and pipeline, bookings, goal and balance indexes."""
    reps = tables.reps
    deals = tables.scoped_deals()
    accounts = tables.accounts
    owned = accounts[accounts["owner_rep_id"].isin(reps["rep_id"])]
    rep_accounts = owned.groupby("owner_rep_id").agg(
        accounts=("account_id", "size"), territories=("territory_id", "nunique")
    )
    rep_potential = (
        _potential_won(tables, period)
        .merge(owned, on="account_id")
        .groupby("owner_rep_id")["cents"]
        .sum()
    )
    stage_ids = deals["stage_id"].to_numpy()
    won = deals.loc[
        tables.is_won[stage_ids] & _in(deals["closed_at"], period), ["owner_rep_id", "cents"]
    ]
    open_deals = deals.loc[tables.is_open[stage_ids], ["owner_rep_id", "cents"]]
    dealing = pd.Index(deals["owner_rep_id"].unique())
    frame = reps.merge(tables.teams, on="team_id").merge(
        tables.territories[["territory_id", "territory_name"]], on="territory_id", how="left"
    )
    frame = frame.rename(columns={"full_name": "rep_name", "territory_name": "home_territory"})
    frame = frame.set_index("rep_id")
    frame = frame[frame.index.isin(rep_accounts.index) | frame.index.isin(dealing)]
    frame = frame.join(rep_accounts)
    frame["potential"] = rep_potential.reindex(frame.index).fillna(0) / 100
    frame["open_deals"] = open_deals.groupby("owner_rep_id").size().reindex(frame.index)
    frame["open_pipeline"] = open_deals.groupby("owner_rep_id")["cents"].sum().reindex(frame.index)
    frame["open_pipeline"] = frame["open_pipeline"].fillna(0) / 100
    frame["bookings"] = (
        won.groupby("owner_rep_id")["cents"].sum().reindex(frame.index).fillna(0) / 100
    )
    frame["goal"] = _period_goals(tables, "rep", period).reindex(frame.index)
    for column in ("accounts", "territories", "open_deals"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] != 0)
    by_team = frame.groupby("team_name")
    team_potential = by_team["potential"].transform("mean")
    team_open = by_team["open_deals"].transform("mean")
    frame["potential_index"] = frame["potential"] / team_potential.where(team_potential != 0)
    frame["open_deals_index"] = frame["open_deals"] / team_open.where(team_open != 0)
    return frame.reset_index().sort_values(
        ["team_name", "potential", "rep_name"], ascending=[True, False, True]
    )


# ------------------------------------------------------------------ pandas: Forecast


def _history_window(now: dt.datetime) -> tuple[int, int]:
    """The four quarters before today (as forecast._history_window), in microseconds."""
    today = now.date()
    return _us(add_months(dt.date(today.year, today.month, 1), -12)), _us(today)


def _goal_total(
    tables: Tables, scope_kind: str, scope_id: int | None, period: Period
) -> float | None:
    """metrics.load_goal_total: per month of the period, the scope's goal shares (the finest
    kind set winning) rounded to cents; summed (None when none is set)."""
    pieces = _goal_pieces(tables, scope_kind, period)
    mine = pieces["scope_id"].isna() if scope_id is None else pieces["scope_id"] == scope_id
    if not mine.any():
        return None
    monthly = pieces[mine].groupby("piece_start")["share"].sum()
    return float(_round_cents(monthly.to_numpy()).sum())


def _projection(tables: Tables, period: Period, now: dt.datetime) -> pd.DataFrame:
    """project_open_deals: per rep (and 'total'), the open deals' amount x their stage's win
    rate, for those expected to win in the period - entered the stage + the median whole days
    from it to a win, not before now. Rates: deals closed in the last twelve months by furthest
    stage; medians: the stays of the deals won then, rebuilt from the events."""
    deals = tables.scoped_deals()
    history_start, history_end = _history_window(now)
    stage_ids = deals["stage_id"].to_numpy()
    closed_at = _times(deals["closed_at"])
    closed = tables.is_closed[stage_ids] & (closed_at >= history_start) & (closed_at < history_end)
    outcomes = pd.DataFrame(
        {
            "furthest": deals["furthest_stage_order"].to_numpy(dtype=float, na_value=np.nan)[
                closed
            ],
            "won": tables.is_won[stage_ids[closed]],
        }
    )
    outcomes = outcomes.groupby(["furthest", "won"]).size().reset_index(name="deals")
    open_stages = tables.stages[tables.is_active_open[tables.stages["stage_id"].to_numpy()]]
    rates = {}
    for stage in open_stages.itertuples():
        reached = outcomes[outcomes["furthest"] >= stage.sort_order]
        total = reached["deals"].sum()
        rates[stage.stage_id] = (
            reached.loc[reached["won"], "deals"].sum() / total if total else np.nan
        )

    history = History(tables)
    stays = history.stays()
    won_deals = deals[tables.is_won[stage_ids] & deals["closed_at"].notna()]
    won_at = tables.by_deal(won_deals, _times(won_deals["closed_at"]), np.iinfo(np.int64).min)
    stay_won_at = won_at[stays["deal"]]
    cycles = (
        tables.is_open[stays["stage"]]
        & history.visible[stays["last_event"]]
        & (stay_won_at >= history_start)
        & (stay_won_at < history_end)
    )
    days = np.floor((stay_won_at[cycles] - stays["entered"][cycles]) / 1e6 / 86400.0)
    medians = pd.Series(days).groupby(stays["stage"][cycles]).median()  # of whole days

    now_us = _us(now)
    last = stays["last_event"]
    current = (
        (stays["left"] == INFINITY)
        & tables.is_active_open[stays["stage"]]
        & history.visible[last]
        & (history.at[last] <= now_us)
    )
    stage = stays["stage"][current]
    to_win = medians.reindex(stage).fillna(0.0).to_numpy()
    expected = np.maximum(
        now_us, stays["entered"][current] + np.round(to_win * 86400 * 1e6).astype(np.int64)
    )
    due = (expected >= _us(period.start)) & (expected < _us(period.end))
    owners = tables.by_deal(deals, deals["owner_rep_id"].to_numpy(), -1)
    chance = pd.Series(rates, dtype=float).reindex(stage).fillna(0.0).to_numpy()
    projected = pd.DataFrame(
        {
            "owner_rep_id": owners[stays["deal"][current]][due],
            "wins": (history.cents[last[current]] / 100 * chance)[due],
        }
    )
    per_rep = projected.groupby("owner_rep_id")["wins"].sum()
    return pd.DataFrame(
        {
            "unit_level": ["rep"] * len(per_rep) + ["total"],
            "projected_unit_id": np.array([*per_rep.index.tolist(), np.nan], dtype=float),
            "projected_wins": _round_cents([*per_rep.tolist(), projected["wins"].sum()]),
        }
    )


def pandas_forecast(tables: Tables, period: Period, now: dt.datetime) -> pd.DataFrame:
    """load_forecast: per rep, team and in total, bookings and the open deals due in the
    period by category and weighted; the historical projection; goals; the forecasts."""
    deals = tables.scoped_deals()
    stage_ids = deals["stage_id"].to_numpy()
    won = deals.loc[
        tables.is_won[stage_ids] & _in(deals["closed_at"], period), ["owner_rep_id", "cents"]
    ]
    due = deals.loc[
        tables.is_open[stage_ids] & _in(deals["expected_close_date"], period),
        ["owner_rep_id", "cents", "basis_points", "forecast_category"],
    ]
    due = due.assign(weighted=_weighted(due["cents"], due["basis_points"]))
    by_owner = due.groupby("owner_rep_id")
    per_rep = pd.DataFrame(
        {
            "won": won.groupby("owner_rep_id").size(),
            "bookings": won.groupby("owner_rep_id")["cents"].sum(),
            "open_deals": by_owner.size(),
            "open_amount": by_owner["cents"].sum(),
            "weighted_amount": by_owner["weighted"].sum(),
        }
    )
    for category in ("commit", "best_case", "pipeline"):
        part = due[due["forecast_category"] == category]
        per_rep[f"{category}_amount"] = part.groupby("owner_rep_id")["cents"].sum()
    per_rep = per_rep.fillna(0).rename_axis("rep_id").reset_index()
    per_rep = per_rep.merge(tables.reps[["rep_id", "full_name", "team_id"]], on="rep_id")
    per_rep = per_rep.merge(tables.teams, on="team_id")
    figures = [
        "won",
        "bookings",
        "open_deals",
        "commit_amount",
        "best_case_amount",
        "pipeline_amount",
        "open_amount",
        "weighted_amount",
    ]
    reps = per_rep.assign(
        unit_level="rep", unit_id=per_rep["rep_id"], unit_name=per_rep["full_name"]
    )
    teams = per_rep.groupby(["team_id", "team_name"])[figures].sum().reset_index()
    teams = teams.assign(unit_level="team", unit_id=teams["team_id"], unit_name=teams["team_name"])
    total = (
        per_rep[figures]
        .sum()
        .to_frame()
        .T.assign(unit_level="total", unit_id=None, unit_name="Total", team_name=None)
    )
    columns = ["unit_level", "unit_id", "unit_name", "team_name", *figures]
    frame = pd.concat([total[columns], teams[columns], reps[columns]], ignore_index=True)
    frame["unit_id"] = frame["unit_id"].astype(float)
    for column in ("won", "open_deals"):
        frame[column] = frame[column].astype(int)
    for column in (
        "bookings",
        "commit_amount",
        "best_case_amount",
        "pipeline_amount",
        "open_amount",
    ):
        frame[column] = frame[column] / 100
    frame["weighted_amount"] = _round_cents(frame["weighted_amount"].astype(float))
    goals = pd.concat(
        [
            _period_goals(tables, "rep", period)
            .rename("goal")
            .reset_index()
            .assign(unit_level="rep"),
            _period_goals(tables, "team", period)
            .rename("goal")
            .reset_index()
            .assign(unit_level="team"),
        ]
    ).rename(columns={"scope_id": "unit_id"})
    goals["unit_id"] = goals["unit_id"].astype(float)
    frame = frame.merge(goals, on=["unit_level", "unit_id"], how="left")

    projected = _projection(tables, period, now)
    frame = frame.merge(
        projected[projected["unit_level"] == "rep"],
        left_on=["unit_level", "unit_id"],
        right_on=["unit_level", "projected_unit_id"],
        how="left",
    ).drop(columns=["projected_unit_id"])
    team_projection = (
        frame[frame["unit_level"] == "rep"].groupby("team_name")["projected_wins"].sum()
    )
    is_team = frame["unit_level"] == "team"
    frame.loc[is_team, "projected_wins"] = frame.loc[is_team, "unit_name"].map(team_projection)
    is_total = frame["unit_level"] == "total"
    frame.loc[is_total, "projected_wins"] = projected.loc[
        projected["unit_level"] == "total", "projected_wins"
    ].iloc[0]
    frame["projected_wins"] = frame["projected_wins"].astype(float).fillna(0.0)
    frame["goal"] = frame["goal"].astype(float)
    frame.loc[is_total, "goal"] = _goal_total(tables, "company", None, period)
    frame["weighted_forecast"] = frame["bookings"] + frame["weighted_amount"]
    frame["commit_forecast"] = frame["bookings"] + frame["commit_amount"]
    frame["best_case_forecast"] = frame["commit_forecast"] + frame["best_case_amount"]
    frame["historical_forecast"] = frame["bookings"] + frame["projected_wins"]
    frame["attainment"] = frame["bookings"] / frame["goal"].where(frame["goal"] > 0)
    return frame


def pandas_history(tables: Tables, today: dt.date) -> pd.DataFrame:
    """load_history: per quarter (the last four and the current one) the goal, bookings, the
    open deals due in it as they stood at its start (from the event history), the latest
    submission made before its end, and the accuracies."""
    periods = list(reversed(quarters_back(today, HISTORY_QUARTERS + 1)))
    deals = tables.scoped_deals()
    won = deals.loc[
        tables.is_won[deals["stage_id"].to_numpy()]
        & _in(deals["closed_at"], Period(periods[0].start, periods[-1].end)),
        ["closed_at", "cents"],
    ]
    booked = won.groupby(won["closed_at"].dt.to_period("Q").dt.start_time)["cents"].sum() / 100
    submissions = tables.submissions
    submissions = submissions[
        (submissions["scope_kind"] == "company")
        & submissions["scope_id"].isna()
        & (submissions["period_start"] >= pd.Timestamp(periods[0].start))
        & (submissions["period_start"] < pd.Timestamp(periods[-1].end))
    ].sort_values(["submitted_at", "submission_id"], ascending=False)
    history = History(tables)
    events = tables.events
    close_dates = _times(events["expected_close_date"])
    points = events["basis_points"].to_numpy()
    category = events["forecast_category"].cat.codes.to_numpy()
    commit = events["forecast_category"].cat.categories.get_loc("commit")
    rows = []
    for period in periods:
        open_rows = history.open_at(_us(period.start))
        dates = close_dates[open_rows]
        open_rows = open_rows[(dates >= _us(period.start)) & (dates < _us(period.end))]
        cents = history.cents[open_rows]
        kinds = category[open_rows]
        mine = submissions[
            (submissions["period_start"] == pd.Timestamp(period.start))
            & (submissions["submitted_at"] < pd.Timestamp(period.end))
        ]
        rows.append(
            {
                "period": period.label,
                "period_start": period.start,
                "is_complete": period.end <= today,
                "goal": _goal_total(tables, "company", None, period),
                "actual": float(booked.get(pd.Timestamp(period.start), 0.0)),
                "weighted_at_start": float(_round_cents(_weighted(cents, points[open_rows]).sum())),
                "commit_at_start": cents[kinds == commit].sum() / 100,
                "open_at_start": cents.sum() / 100,
                "submitted": float(mine.iloc[0]["forecast_amount"]) if len(mine) else None,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("goal", "submitted"):
        frame[column] = frame[column].astype(float)
    for name in ("weighted_at_start", "commit_at_start", "submitted", "goal"):
        accuracy = frame[name] / frame["actual"].where(frame["actual"] > 0) - 1
        frame[f"{name}_accuracy"] = accuracy.where(frame["is_complete"])
    return frame


def pandas_gap_dimensions(tables: Tables, period: Period, base: Period) -> pd.DataFrame:
    """summarise_gap_dimensions: won deals, bookings and gross bookings (before discount) by
    product, territory and lead source, in the period (1) and the base period (2)."""
    deals = tables.scoped_deals()
    won = tables.is_won[deals["stage_id"].to_numpy()]
    in_period = _in(deals["closed_at"], period)
    columns = ["product_id", "territory_id", "lead_source", "cents", "discount_pct"]
    rows = pd.concat(
        [
            deals.loc[won & in_period, columns].assign(period_no=1),
            deals.loc[won & _in(deals["closed_at"], base) & ~in_period, columns].assign(
                period_no=2
            ),
        ]
    )
    kept = 1 - rows["discount_pct"] / 100
    rows["gross"] = (rows["cents"] / 100) / kept.where(kept != 0)
    names = {
        "product": ("product_id", _names(tables.products, "product_id", "product_name")),
        "territory": ("territory_id", _names(tables.territories, "territory_id", "territory_name")),
        "source": ("lead_source", None),
    }
    parts = []
    for dimension, (column, labels) in names.items():
        grouped = (
            rows.groupby(["period_no", column], dropna=False, observed=True)
            .agg(won=("cents", "size"), bookings=("cents", "sum"), gross=("gross", "sum"))
            .reset_index()
        )
        keys = grouped[column].map(labels) if labels else grouped[column].astype(object)
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dimension,
                    "key": keys.where(keys.notna(), "(none)").astype(str),
                    "period_no": grouped["period_no"],
                    "won": grouped["won"],
                    "bookings": grouped["bookings"] / 100,
                    "gross_bookings": _round_cents(grouped["gross"]),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def pandas_fulfilment(tables: Tables, period: Period) -> pd.DataFrame:
    """summarise_fulfilment: the period's orders of the viewer's deals per product: orders,
    late / on time / pending, order value and the returns against them."""
    orders = tables.orders
    deals = tables.scoped_deals()
    taken = orders.loc[
        _in(orders["order_date"], period) & (orders["order_status"] != "cancelled"),
        ["order_id", "opportunity_id", "delivery_status"],
    ].merge(deals[["opportunity_id", "product_id"]], on="opportunity_id")
    lines = tables.order_lines
    values = (
        lines[lines["order_id"].isin(taken["order_id"])].groupby("order_id")["sales_units"].sum()
    )
    returns = tables.returns
    returned = (
        returns[returns["order_id"].isin(taken["order_id"])]
        .groupby("order_id")["return_units"]
        .agg(["size", "sum"])
    )
    taken = taken.assign(
        value=values.reindex(taken["order_id"]).fillna(0).to_numpy(dtype=np.int64),
        returns=returned["size"].reindex(taken["order_id"]).fillna(0).to_numpy(dtype=np.int64),
        returned=returned["sum"].reindex(taken["order_id"]).fillna(0).to_numpy(dtype=np.int64),
    )
    names = _names(tables.products, "product_id", "product_name")
    taken["product_name"] = taken["product_id"].map(names).fillna("(none)").astype(str)
    status = taken["delivery_status"].astype(str)
    taken = taken.assign(
        late=status == "late", on_time=status == "on_time", pending=status == "pending"
    )
    frame = (
        taken.groupby("product_name")
        .agg(
            orders=("order_id", "size"),
            late=("late", "sum"),
            on_time=("on_time", "sum"),
            pending=("pending", "sum"),
            order_units=("value", "sum"),
            returns=("returns", "sum"),
            return_units=("returned", "sum"),
        )
        .reset_index()
    )
    frame["order_value"] = _units_to_dollars(frame.pop("order_units"))
    frame["return_amount"] = _units_to_dollars(frame.pop("return_units"))
    return frame.sort_values(["return_amount", "product_name"], ascending=[False, True])


def pandas_explain_gap(
    tables: Tables, period: Period, goal: float | None, units: pd.DataFrame
) -> dict[str, Any]:
    """explain_gap: the gap dimensions, the funnel of the closed deals against the base period
    and the fulfilment, computed with pandas, then the same pure functions the domain applies
    (price_volume_mix, stage_contributions)."""
    base = forecast.base_period(period)
    dimensions = pandas_gap_dimensions(tables, period, base)
    effects = forecast.price_volume_mix(dimensions[dimensions["dimension"] == "product"], goal)
    scale = effects.get("scale", 1.0) if effects["available"] else 1.0
    contributions = {}
    for dimension in ("territory", "source"):
        part = dimensions[dimensions["dimension"] == dimension]
        wide = part.pivot_table(
            index="key", columns="period_no", values="bookings", aggfunc="sum", fill_value=0.0
        )
        actual = wide[1] if 1 in wide.columns else pd.Series(0.0, index=wide.index)
        based = (wide[2] if 2 in wide.columns else pd.Series(0.0, index=wide.index)) * scale
        contributions[dimension] = pd.DataFrame(
            {"key": wide.index, "bookings": actual.values, "base": based.values}
        ).assign(gap=lambda frame: frame["bookings"] - frame["base"])
    reps = units[(units["unit_level"] == "rep") & units["goal"].notna()]
    contributions["rep"] = reps.assign(
        key=reps["unit_name"], base=reps["goal"], gap=reps["bookings"] - reps["goal"]
    )[["key", "team_name", "bookings", "base", "gap"]]
    stages = pandas_funnel(tables, period, base, cohort="closed")
    return {
        "base_label": base.label,
        "effects": effects,
        "contributions": contributions,
        "stages": forecast.stage_contributions(stages, scale),
        "fulfilment": pandas_fulfilment(tables, period),
    }


def pandas_what_works(tables: Tables, period: Period) -> pd.DataFrame:
    """load_what_works: among the deals closed in the period, per product and per lead source:
    closed, won, win rate by count and value, average won amount, median days to win."""
    deals = tables.scoped_deals()
    stage_ids = deals["stage_id"].to_numpy()
    closed = deals.loc[
        tables.is_closed[stage_ids] & _in(deals["closed_at"], period),
        ["product_id", "lead_source", "stage_id", "cents", "created_at", "closed_at"],
    ]
    is_won = tables.is_won[closed["stage_id"].to_numpy()]
    cycle = (closed["closed_at"].dt.normalize() - closed["created_at"].dt.normalize()).dt.days
    closed = closed.assign(
        won=is_won,
        won_cents=closed["cents"].where(is_won),
        won_cycle=cycle.where(is_won),
    )
    product_names = _names(tables.products, "product_id", "product_name")
    parts = []
    for dimension, column in (("product", "product_id"), ("source", "lead_source")):
        grouped = (
            closed.groupby(column, dropna=False, observed=True)
            .agg(
                closed=("cents", "size"),
                won=("won", "sum"),
                won_cents=("won_cents", "sum"),
                won_deals=("won_cents", "count"),
                closed_cents=("cents", "sum"),
                cycle_days_median=("won_cycle", "median"),
            )
            .reset_index()
        )
        keys = grouped[column].map(product_names) if column == "product_id" else grouped[column]
        won_cents = grouped["won_cents"].where(grouped["won_deals"] > 0)
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dimension,
                    "key": keys.astype(object).where(keys.notna(), "(none)").astype(str),
                    "closed": grouped["closed"],
                    "won": grouped["won"].astype(int),
                    "win_rate": grouped["won"] / grouped["closed"],
                    "win_rate_value": won_cents
                    / grouped["closed_cents"].where(grouped["closed_cents"] != 0),
                    "avg_won_amount": _round_cents(
                        won_cents / 100 / grouped["won"].where(grouped["won"] > 0)
                    ),
                    "cycle_days_median": grouped["cycle_days_median"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def pandas_tabs(frames: dict[str, pd.DataFrame]) -> dict[str, list[Step]]:
    """Each tab's calls on the pandas side, named as the DuckDB calls; explain_gap is given
    the forecast the pandas load_forecast made (as the page passes its loaded forecast)."""
    tables = Tables(frames)
    loaded: dict[str, pd.DataFrame] = {}

    def load_forecast() -> pd.DataFrame:
        loaded["forecast"] = pandas_forecast(tables, PERIOD, NOW)
        return loaded["forecast"]

    def explain_gap() -> dict[str, Any]:
        units = loaded["forecast"]
        goal = units.loc[units["unit_level"] == "total", "goal"].iloc[0]
        return pandas_explain_gap(tables, PERIOD, float(goal), units)

    return {
        "Funnel": [
            ("load_funnel", lambda: pandas_funnel(tables, PERIOD, PREVIOUS)),
            ("load_outcomes", lambda: pandas_outcomes(tables, PERIOD, PREVIOUS, NOW)),
            ("load_time_in_stage", lambda: pandas_time_in_stage(tables, PERIOD, NOW)),
            ("load_pipeline_as_of", lambda: pandas_pipeline_as_of(tables, TODAY)),
            ("load_waterfall", lambda: pandas_waterfall(tables, PERIOD.start, TODAY, PERIOD)),
        ],
        "Territory": [
            ("load_territories", lambda: pandas_territories(tables, PERIOD, TODAY)),
            ("load_rep_workload", lambda: pandas_rep_workload(tables, PERIOD)),
        ],
        "Forecast": [
            ("load_forecast", load_forecast),
            ("load_history", lambda: pandas_history(tables, TODAY)),
            ("explain_gap", explain_gap),
            ("load_what_works", lambda: pandas_what_works(tables, PERIOD)),
        ],
    }


# --------------------------------------------------------------------------- figures check


class Comparison:
    """DuckDB's figures against pandas', frame by frame: the rows (by their keys) must be the
    same, counts equal, money within half a cent (both sides' cents agree: pandas' sums are
    exact, and where DuckDB rounds a double to cents the difference stays under half a cent),
    days within 1e-6 and rates within 1e-9 (relative)."""

    SHOWN = 5  # differences listed per frame

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.compared: list[str] = []

    def frame(
        self,
        label: str,
        duck: pd.DataFrame,
        panda: pd.DataFrame,
        keys: list[str],
        *,
        counts: tuple[str, ...] = (),
        money: tuple[str, ...] = (),
        days: tuple[str, ...] = (),
        rates: tuple[str, ...] = (),
        texts: tuple[str, ...] = (),
    ) -> None:
        left, right = _keyed(duck, keys), _keyed(panda, keys)
        for side, frame in (("DuckDB", left), ("pandas", right)):
            if frame.index.has_duplicates:
                self.problems.append(f"{label}: {side} has rows with the same key")
                return
        missing = left.index.difference(right.index).tolist()
        extra = right.index.difference(left.index).tolist()
        if missing:
            self.problems.append(f"{label}: rows only in DuckDB: {missing[: self.SHOWN]}")
        if extra:
            self.problems.append(f"{label}: rows only in pandas: {extra[: self.SHOWN]}")
        rows = left.index.intersection(right.index)
        columns = [*counts, *money, *days, *rates, *texts]
        differences = []
        for column in columns:
            kind = (
                "count"
                if column in counts
                else "money"
                if column in money
                else "days"
                if column in days
                else "rate"
                if column in rates
                else "text"
            )
            for key in rows:
                ours, theirs = left.at[key, column], right.at[key, column]
                if not _same(kind, ours, theirs):
                    differences.append(f"{key} {column}: DuckDB {ours!r} vs pandas {theirs!r}")
        if differences:
            shown = "; ".join(differences[: self.SHOWN])
            more = len(differences) - self.SHOWN
            self.problems.append(f"{label}: {shown}" + (f" (and {more} more)" if more > 0 else ""))
        self.compared.append(f"{label}: {len(rows)} rows x {len(columns)} ({', '.join(columns)})")

    def values(self, label: str, duck: dict[str, Any], panda: dict[str, Any], **kinds: Any) -> None:
        """Single figures (a dict each) as a one-row frame."""
        self.frame(
            label,
            pd.DataFrame([{"row": 1, **duck}]),
            pd.DataFrame([{"row": 1, **panda}]),
            ["row"],
            **kinds,
        )


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    index = frame[keys].apply(lambda column: column.map(_key_text)).agg(" / ".join, axis=1)
    return frame.set_index(pd.Index(index.tolist(), name="key"), drop=False)


def _key_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "-"
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, (float, np.floating)) and np.isnan(value))
    )


def _same(kind: str, ours: Any, theirs: Any) -> bool:
    if _missing(ours) or _missing(theirs):
        return _missing(ours) and _missing(theirs)
    if kind == "text":
        return str(ours) == str(theirs)
    ours, theirs = float(ours), float(theirs)
    if kind == "count":
        return ours == theirs
    if kind == "money":
        return abs(ours - theirs) <= 0.005 + 1e-12 * abs(ours)
    if kind == "days":
        return abs(ours - theirs) <= 1e-6
    return abs(ours - theirs) <= 1e-9 * max(1.0, abs(ours))


def check(duck: dict[str, dict[str, Any]], panda: dict[str, dict[str, Any]]) -> Comparison:
    """Every figure each call returns on both sides, compared (see Comparison)."""
    result = Comparison()
    funnel_tab, duck_funnel = panda["Funnel"], duck["Funnel"]
    result.frame(
        "load_funnel",
        duck_funnel["load_funnel"],
        funnel_tab["load_funnel"],
        ["period_no", "slice_key", "stage_order"],
        counts=("reached", "next_deals", "dropped_lost", "dropped_open", "dropped"),
        money=("reached_amount", "next_amount", "dropped_amount"),
        rates=("conversion",),
        texts=("stage_name",),
    )
    result.frame(
        "load_outcomes",
        duck_funnel["load_outcomes"],
        funnel_tab["load_outcomes"],
        ["period_no", "slice_key"],
        counts=("won", "lost", "open_deals"),
        money=("bookings", "lost_amount", "open_amount", "avg_deal_size"),
        days=("cycle_days_median", "cycle_days_mean"),
        rates=("win_rate", "win_rate_value", "velocity_per_day"),
    )
    result.frame(
        "load_time_in_stage",
        duck_funnel["load_time_in_stage"],
        funnel_tab["load_time_in_stage"],
        ["stage_id", "state"],
        counts=("stays", "stage_order"),
        days=("mean_days", "p05_days", "p25_days", "median_days", "p75_days", "p95_days"),
        texts=("stage_name",),
    )
    result.frame(
        "load_pipeline_as_of",
        duck_funnel["load_pipeline_as_of"],
        funnel_tab["load_pipeline_as_of"],
        ["stage_id"],
        counts=("deals", "sort_order"),
        money=("amount", "weighted_amount"),
        texts=("stage_name", "forecast_category"),
    )
    waterfall = duck_funnel["load_waterfall"]
    result.frame(
        "load_waterfall",
        waterfall,
        funnel_tab["load_waterfall"],
        ["step"],
        counts=("position", "deals"),
        money=("amount",),
        texts=("label",),
    )
    if funnel.waterfall_balance(waterfall) != 0:
        result.problems.append("load_waterfall: DuckDB's steps do not add up to the end")

    territory_tab, duck_territory = panda["Territory"], duck["Territory"]
    result.frame(
        "load_territories",
        duck_territory["load_territories"],
        territory_tab["load_territories"],
        ["territory_id"],
        counts=("won", "lost", "open_deals", "accounts", "reps_assigned", "depth"),
        money=(
            "bookings",
            "lost_amount",
            "open_pipeline",
            "weighted_pipeline",
            "potential",
            "goal",
            "sales_per_selling_day",
        ),
        rates=("attainment", "win_rate"),
        texts=("territory_name", "goal_source"),
    )
    result.frame(
        "load_rep_workload",
        duck_territory["load_rep_workload"],
        territory_tab["load_rep_workload"],
        ["rep_id"],
        counts=("accounts", "territories", "open_deals"),
        money=("open_pipeline", "potential", "goal", "bookings"),
        rates=("attainment", "potential_index", "open_deals_index"),
        texts=("rep_name", "team_name", "home_territory"),
    )

    forecast_tab, duck_forecast = panda["Forecast"], duck["Forecast"]
    result.frame(
        "load_forecast",
        duck_forecast["load_forecast"],
        forecast_tab["load_forecast"],
        ["unit_level", "unit_id"],
        counts=("won", "open_deals"),
        money=(
            "bookings",
            "commit_amount",
            "best_case_amount",
            "pipeline_amount",
            "open_amount",
            "weighted_amount",
            "projected_wins",
            "goal",
            "weighted_forecast",
            "commit_forecast",
            "best_case_forecast",
            "historical_forecast",
        ),
        rates=("attainment",),
        texts=("unit_name", "team_name"),
    )
    result.frame(
        "load_history",
        duck_forecast["load_history"],
        forecast_tab["load_history"],
        ["period"],
        money=(
            "goal",
            "actual",
            "weighted_at_start",
            "commit_at_start",
            "open_at_start",
            "submitted",
        ),
        rates=(
            "weighted_at_start_accuracy",
            "commit_at_start_accuracy",
            "submitted_accuracy",
            "goal_accuracy",
        ),
        texts=("is_complete",),
    )
    ours, theirs = duck_forecast["explain_gap"], forecast_tab["explain_gap"]
    effects, their_effects = ours["effects"], theirs["effects"]
    scalars = ("actual", "base", "volume", "mix", "size", "discount")
    result.values(
        "explain_gap effects",
        {name: effects.get(name) for name in (*scalars, "scale", "available")},
        {name: their_effects.get(name) for name in (*scalars, "scale", "available")},
        money=scalars,
        rates=("scale",),
        texts=("available",),
    )
    if effects["available"] and their_effects["available"]:
        result.frame(
            "explain_gap products (price / volume / mix)",
            effects["products"],
            their_effects["products"],
            ["product"],
            money=(
                "bookings",
                "base_bookings",
                "avg_price",
                "base_avg_price",
                "volume_effect",
                "mix_effect",
                "size_effect",
                "discount_effect",
                "gap",
            ),
            rates=("won", "base_won", "discount", "base_discount"),
        )
    for dimension in ("territory", "source"):
        result.frame(
            f"explain_gap by {dimension}",
            ours["contributions"][dimension],
            theirs["contributions"][dimension],
            ["key"],
            money=("bookings", "base", "gap"),
        )
    result.frame(
        "explain_gap by rep",
        ours["contributions"]["rep"],
        theirs["contributions"]["rep"],
        ["key"],
        money=("bookings", "base", "gap"),
        texts=("team_name",),
    )
    result.frame(
        "explain_gap funnel factors",
        ours["stages"],
        theirs["stages"],
        ["factor"],
        rates=("actual", "base", "effect"),
    )
    result.frame(
        "explain_gap fulfilment",
        ours["fulfilment"],
        theirs["fulfilment"],
        ["product_name"],
        counts=("orders", "late", "on_time", "pending", "returns"),
        money=("order_value", "return_amount"),
    )
    result.frame(
        "load_what_works",
        duck_forecast["load_what_works"],
        forecast_tab["load_what_works"],
        ["dimension", "key"],
        counts=("closed", "won"),
        money=("avg_won_amount",),
        rates=("win_rate", "win_rate_value"),
        days=("cycle_days_median",),
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--deals", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5, help="warm DuckDB runs (default 5)")
    parser.add_argument(
        "--pandas-runs",
        type=int,
        default=3,
        help="pandas runs (default 3; no warm-up: pandas has no cache to warm)",
    )
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results_analytics.md")
    parser.add_argument(
        "--duckdb-only", action="store_true", help="time the DuckDB side only (no report file)"
    )
    parser.add_argument(
        "--json-out", type=Path, help="also write the DuckDB timings (wall and CPU) as JSON here"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a --json-out file from an earlier run (say, the code before a change): the report "
        "shows its figures next to this run's",
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    before = json.loads(args.before.read_text()) if args.before else None
    path, one_off = prepare(args.workdir, args.deals)
    db = open_database(str(path))
    try:
        with db.reading() as cur:
            threads = cur.execute("select current_setting('threads')").fetchone()[0]
            counts = cur.execute(
                "select (select count(*) from opportunities), (select count(*) from"
                " opportunity_events), (select count(*) from deal_spans),"
                " (select count(*) from deal_stage_stays)"
            ).fetchone()
        speed = machine_speed()
        duck_results, duck_times, duck_cpu = {}, {}, {}
        ticks = cpu_ticks()
        for tab, steps in duckdb_tabs(db).items():
            print(f"DuckDB: {tab}", file=sys.stderr)
            duck_results[tab], duck_times[tab], duck_cpu[tab] = time_steps(steps, args.runs)
            print(json.dumps({tab: duck_times[tab], "cpu": duck_cpu[tab]}), file=sys.stderr)
        duck_load = os.getloadavg()[0]
        duck_steal = steal_share(ticks, cpu_ticks())
        if args.json_out:
            args.json_out.write_text(
                json.dumps(
                    {
                        "load": duck_load,
                        "steal": duck_steal,
                        "speed_ms": speed,
                        "ms": duck_times,
                        "cpu_ms": duck_cpu,
                    },
                    indent=1,
                )
            )
        if args.duckdb_only:
            print("\n".join(duckdb_tables(duck_times, duck_cpu, before)))
            print(
                f"load average {duck_load:.1f}, CPU steal {duck_steal}, machine speed query "
                f"{speed:,.0f} ms",
                file=sys.stderr,
            )
            return 0
        print("loading tables into pandas", file=sys.stderr)
        started = time.perf_counter()
        frames, sort_seconds = load_frames(db)
        load_seconds = time.perf_counter() - started
        frame_bytes = sum(frame.memory_usage(deep=True).sum() for frame in frames.values())
        panda_results, panda_times, panda_cpu = {}, {}, {}
        for tab, steps in pandas_tabs(frames).items():
            print(f"pandas: {tab}", file=sys.stderr)
            panda_results[tab], panda_times[tab], panda_cpu[tab] = time_steps(
                steps, args.pandas_runs, warm_up=False
            )
            print(json.dumps({tab: panda_times[tab], "cpu": panda_cpu[tab]}), file=sys.stderr)
        comparison = check(duck_results, panda_results)
        problems = comparison.problems
    finally:
        close_all()
    lines = [
        "# Funnel, Territory and Forecast tabs: DuckDB vs pandas",
        "",
        f"Workspace: {counts[0]:,} deals, {counts[1]:,} events (demo seed {SEED}, as of "
        f"{AS_OF}); derived history {counts[2]:,} spans, {counts[3]:,} stage stays. "
        f"DuckDB threads={threads}. Period {PERIOD.label}, today {TODAY}, admin viewer. "
        f"DuckDB: median of {args.runs} warm runs after one warm-up; pandas: median of "
        f"{args.pandas_runs} runs; ms. Budget: {BUDGET_MS} ms per tab (all its calls). Machine "
        f"load average after the DuckDB runs: {duck_load:.1f}; when the report was written: "
        f"{os.getloadavg()[0]:.1f} (2 cores). CPU time the hypervisor gave to other machines "
        f"during the DuckDB runs (steal): {duck_steal}. Machine speed before them: "
        f"{speed:,.0f} ms for a fixed DuckDB query (`sum(i * i % 7)` over 100 M rows, 2 "
        "threads; lower is faster - compare runs by it).",
        "",
        "One-off preparation: "
        + (", ".join(f"{name} {value:.1f}" for name, value in one_off.items()) or "none needed")
        + f"; pandas load of the raw tables {load_seconds:.1f} s (of which putting the events "
        f"in deal and time order {sort_seconds:.1f} s; {frame_bytes / 1e9:.2f} GB of frames).",
        "",
        *(
            [
                f"Before: {args.before.name}, an earlier run of this script (load average "
                f"{before['load']:.1f} after its DuckDB runs). CPU ms: this process's CPU time "
                "(both DuckDB threads), which the machine's load hardly moves.",
                "",
            ]
            if before
            else []
        ),
        *duckdb_tables(duck_times, duck_cpu, before),
        "pandas computes the same figures as each DuckDB call, from the raw tables in memory: "
        "every call derives what it needs (the state each event left a deal in and until when, "
        "stage stays, closings, win cycles, roll-ups) itself, and that work counts in its time.",
        "",
        "| tab | pandas computation | ms | CPU ms |",
        "| --- | --- | ---: | ---: |",
    ]
    for tab, times in panda_times.items():
        for name, value in times.items():
            label = f"**{name}**" if name == "whole tab" else name
            lines.append(f"| {tab} | {label} | {value:,.0f} | {panda_cpu[tab][name]:,.0f} |")
    lines += [
        "",
        "| tab | DuckDB whole tab ms | pandas whole tab ms | ratio pandas/DuckDB |"
        " DuckDB CPU ms | pandas CPU ms | CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for tab in duck_times:
        duck_ms, panda_ms = duck_times[tab]["whole tab"], panda_times[tab]["whole tab"]
        duck_cpu_ms, panda_cpu_ms = duck_cpu[tab]["whole tab"], panda_cpu[tab]["whole tab"]
        lines.append(
            f"| {tab} | {duck_ms:,.0f} | {panda_ms:,.0f} | {panda_ms / duck_ms:.2f} |"
            f" {duck_cpu_ms:,.0f} | {panda_cpu_ms:,.0f} | {panda_cpu_ms / duck_cpu_ms:.2f} |"
        )
    lines += [
        "",
        "Figures check: "
        + (
            "DuckDB and pandas agree on every compared figure"
            if not problems
            else "DIFFERENCES: " + "; ".join(problems)
        )
        + " (counts exactly, money to the cent, days to 1e-6, rates to 1e-9). Compared:",
        "",
        *(f"- {entry}" for entry in comparison.compared),
    ]
    report = "\n".join(lines) + "\n"
    args.out.write_text(report)
    print(report)
    print(json.dumps({"problems": problems}), file=sys.stderr)
    return 1 if problems else 0


def duckdb_tables(
    times: dict[str, dict[str, float]],
    cpu: dict[str, dict[str, float]],
    before: dict[str, Any] | None,
) -> list[str]:
    """One Markdown table per tab: each call's wall and CPU ms (and an earlier run's)."""
    lines: list[str] = []
    for tab in times:
        lines += [f"### {tab} (DuckDB)", ""]
        if before:
            lines += [
                "| call | before ms | after ms | before CPU ms | after CPU ms |",
                "| --- | ---: | ---: | ---: | ---: |",
            ]
        else:
            lines += ["| call | ms | CPU ms |", "| --- | ---: | ---: |"]
        for name, value in times[tab].items():
            label = f"**{name}**" if name == "whole tab" else name
            if before:
                old = before["ms"].get(tab, {}).get(name)
                old_cpu = before["cpu_ms"].get(tab, {}).get(name)
                lines.append(
                    f"| {label} | {_ms(old)} | {value:,.0f} | {_ms(old_cpu)} |"
                    f" {cpu[tab][name]:,.0f} |"
                )
            else:
                lines.append(f"| {label} | {value:,.0f} | {cpu[tab][name]:,.0f} |")
        lines.append("")
    return lines


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


if __name__ == "__main__":
    sys.exit(main())
