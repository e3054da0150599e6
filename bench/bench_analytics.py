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
3. reads the raw tables into pandas once (timed on its own) and computes the core figures
   of each tab with pandas alone - the funnel and outcomes from the deals, the pipeline as of
   a date and the waterfall's start and end from the event history (last event per deal
   before the date, the naive way), bookings and open pipeline per territory, the forecast
   totals - timed the same way, and checks both sides agree (counts exactly, money to the
   cent);
4. prints a Markdown report and writes it to --out.

DuckDB times are medians of --runs warm runs after one untimed warm-up, wall and CPU (this
process's CPU time, all DuckDB threads: on a shared machine it moves far less with the load
than wall time); pandas times are medians of --pandas-runs runs; in milliseconds.
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

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import forecast, funnel, territory  # noqa: E402
from dashboard.auth import Viewer  # noqa: E402
from dashboard.db import Database, close_all, open_database  # noqa: E402
from dashboard.metrics import DealFilter, Period  # noqa: E402

SEED = 7
AS_OF = dt.date(2026, 11, 25)
TODAY = AS_OF
NOW = dt.datetime.combine(TODAY, dt.time(23, 59, 59))
PERIOD = Period.quarter_of(AS_OF)
PREVIOUS = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))
NO_FILTERS = DealFilter()
ADMIN = Viewer(user_id=0, email="bench@localhost", display_name="Bench", role="admin")
BUDGET_MS = 500


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


def load_frames(db: Database) -> dict[str, pd.DataFrame]:
    queries = {
        "deals": "select opportunity_id, owner_rep_id, territory_id, stage_id, amount_rc,"
        " probability, forecast_category, expected_close_date, created_at, closed_at,"
        " furthest_stage_order from opportunities",
        "events": "select opportunity_id, event_id, occurred_at, stage_id, amount_rc,"
        " expected_close_date from opportunity_events",
        "stages": "select stage_id, sort_order, is_won, is_lost from stages",
    }
    with db.reading() as cur:
        frames = {name: cur.execute(query).df() for name, query in queries.items()}
    for frame in (frames["deals"], frames["events"]):
        frame["cents"] = (frame["amount_rc"].astype(float) * 100).round().astype("int64")
    frames["events"] = frames["events"].sort_values(["occurred_at", "event_id"])
    return frames


def _in(column: pd.Series, period: Period) -> pd.Series:
    return (column >= pd.Timestamp(period.start)) & (column < pd.Timestamp(period.end))


def _state_before(events: pd.DataFrame, at: dt.datetime) -> pd.DataFrame:
    """The naive way: every event before `at`, the last one per deal."""
    before = events[events["occurred_at"] < pd.Timestamp(at)]
    return before.drop_duplicates("opportunity_id", keep="last")


def pandas_tabs(frames: dict[str, pd.DataFrame]) -> dict[str, list[Step]]:
    deals, events, stages = frames["deals"], frames["events"], frames["stages"]
    won_ids = set(stages.loc[stages["is_won"], "stage_id"])
    closed_ids = set(stages.loc[stages["is_won"] | stages["is_lost"], "stage_id"])

    def funnel_stages() -> dict[str, Any]:
        out = {}
        for label, period in (("period", PERIOD), ("previous", PREVIOUS)):
            cohort = deals.loc[_in(deals["created_at"], period), "furthest_stage_order"]
            counts = cohort.value_counts()
            out[label] = [int(counts[counts.index >= k].sum()) for k in range(1, 8)]
        return out

    def outcomes() -> dict[str, Any]:
        closed = deals[_in(deals["closed_at"], PERIOD)]
        won = closed[closed["stage_id"].isin(won_ids)]
        cycle = (won["closed_at"].dt.normalize() - won["created_at"].dt.normalize()).dt.days
        open_now = deals[~deals["stage_id"].isin(closed_ids)]
        return {
            "won": len(won),
            "lost": int((closed["stage_id"] == 9).sum()),
            "bookings_cents": int(won["cents"].sum()),
            "cycle_median": float(cycle.median()),
            "open": len(open_now),
        }

    def open_at(at: dt.datetime, window: Period | None) -> tuple[int, int]:
        state = _state_before(events, at)
        state = state[~state["stage_id"].isin(closed_ids)]
        if window is not None:
            dates = pd.to_datetime(state["expected_close_date"])
            state = state[_in(dates, window)]
        return len(state), int(state["cents"].sum())

    def as_of() -> dict[str, Any]:
        return {
            "as_of": open_at(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time()), None)
        }

    def waterfall_ends() -> dict[str, Any]:
        return {
            "start": open_at(dt.datetime.combine(PERIOD.start, dt.time()), PERIOD),
            "end": open_at(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time()), PERIOD),
        }

    def territories() -> dict[str, Any]:
        won = deals[_in(deals["closed_at"], PERIOD) & deals["stage_id"].isin(won_ids)]
        open_now = deals[~deals["stage_id"].isin(closed_ids)]
        return {
            "bookings": won.groupby("territory_id")["cents"].sum().to_dict(),
            "open": open_now.groupby("territory_id")["cents"].sum().to_dict(),
        }

    def forecast_totals() -> dict[str, Any]:
        won = deals[_in(deals["closed_at"], PERIOD) & deals["stage_id"].isin(won_ids)]
        dates = pd.to_datetime(deals["expected_close_date"])
        due = deals[~deals["stage_id"].isin(closed_ids) & _in(dates, PERIOD)]
        commit = due[due["forecast_category"] == "commit"]
        return {"bookings": int(won["cents"].sum()), "commit": int(commit["cents"].sum())}

    return {
        "Funnel": [
            ("funnel stages", funnel_stages),
            ("outcomes", outcomes),
            ("pipeline as of (events)", as_of),
            ("waterfall start and end (events)", waterfall_ends),
        ],
        "Territory": [("bookings and open by territory", territories)],
        "Forecast": [("forecast totals", forecast_totals)],
    }


def check(duck: dict[str, dict[str, Any]], panda: dict[str, dict[str, Any]]) -> list[str]:
    problems: list[str] = []

    def same(label: str, left: Any, right: Any) -> None:
        if left != right:
            problems.append(f"{label}: DuckDB {left} vs pandas {right}")

    stages = duck["Funnel"]["load_funnel"]
    for period_no, label in ((1, "period"), (2, "previous")):
        reached = stages[stages["period_no"] == period_no].sort_values("stage_order")["reached"]
        same(
            f"funnel {label}",
            [int(value) for value in reached],
            panda["Funnel"]["funnel stages"][label],
        )
    outcome = duck["Funnel"]["load_outcomes"]
    row = outcome[outcome["period_no"] == 1].iloc[0]
    expected = panda["Funnel"]["outcomes"]
    same("won", int(row["won"]), expected["won"])
    same("lost", int(row["lost"]), expected["lost"])
    same("bookings (cents)", round(row["bookings"] * 100), expected["bookings_cents"])
    same("cycle median", float(row["cycle_days_median"]), expected["cycle_median"])
    same("open now", int(row["open_deals"]), expected["open"])
    as_of = duck["Funnel"]["load_pipeline_as_of"]
    same(
        "pipeline as of",
        (int(as_of["deals"].sum()), round(as_of["amount"].sum() * 100)),
        panda["Funnel"]["pipeline as of (events)"]["as_of"],
    )
    steps = duck["Funnel"]["load_waterfall"].set_index("step")
    ends = panda["Funnel"]["waterfall start and end (events)"]
    same(
        "waterfall start",
        (int(steps.loc["start", "deals"]), round(float(steps.loc["start", "amount"]) * 100)),
        ends["start"],
    )
    same(
        "waterfall end",
        (int(steps.loc["end", "deals"]), round(float(steps.loc["end", "amount"]) * 100)),
        ends["end"],
    )
    same("waterfall balance", funnel.waterfall_balance(duck["Funnel"]["load_waterfall"]), 0)
    frame = duck["Territory"]["load_territories"]
    leaves = frame[frame["territory_kind"].isin(["state", "country"])].set_index("territory_id")
    expected = panda["Territory"]["bookings and open by territory"]
    for territory_id, cents in expected["bookings"].items():
        same(
            f"territory {territory_id} bookings",
            round(leaves.loc[territory_id, "bookings"] * 100),
            cents,
        )
    for territory_id, cents in expected["open"].items():
        same(
            f"territory {territory_id} open",
            round(leaves.loc[territory_id, "open_pipeline"] * 100),
            cents,
        )
    units = duck["Forecast"]["load_forecast"]
    total = units[units["unit_level"] == "total"].iloc[0]
    expected = panda["Forecast"]["forecast totals"]
    same("forecast bookings", round(total["bookings"] * 100), expected["bookings"])
    same("forecast commit", round(total["commit_amount"] * 100), expected["commit"])
    return problems


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
        duck_results, duck_times, duck_cpu = {}, {}, {}
        for tab, steps in duckdb_tabs(db).items():
            print(f"DuckDB: {tab}", file=sys.stderr)
            duck_results[tab], duck_times[tab], duck_cpu[tab] = time_steps(steps, args.runs)
            print(json.dumps({tab: duck_times[tab], "cpu": duck_cpu[tab]}), file=sys.stderr)
        duck_load = os.getloadavg()[0]
        if args.json_out:
            args.json_out.write_text(
                json.dumps({"load": duck_load, "ms": duck_times, "cpu_ms": duck_cpu}, indent=1)
            )
        if args.duckdb_only:
            print("\n".join(duckdb_tables(duck_times, duck_cpu, before)))
            print(f"load average {duck_load:.1f}", file=sys.stderr)
            return 0
        print("loading tables into pandas", file=sys.stderr)
        started = time.perf_counter()
        frames = load_frames(db)
        load_seconds = time.perf_counter() - started
        panda_results, panda_times = {}, {}
        for tab, steps in pandas_tabs(frames).items():
            print(f"pandas: {tab}", file=sys.stderr)
            panda_results[tab], panda_times[tab], _ = time_steps(
                steps, args.pandas_runs, warm_up=False
            )
            print(json.dumps({tab: panda_times[tab]}), file=sys.stderr)
        problems = check(duck_results, panda_results)
    finally:
        close_all()
    lines = [
        "# Funnel, Territory and Forecast tabs: DuckDB vs pandas",
        "",
        f"Workspace: {counts[0]:,} deals, {counts[1]:,} events (demo seed {SEED}, as of "
        f"{AS_OF}); derived history {counts[2]:,} spans, {counts[3]:,} stage stays. "
        f"DuckDB threads={threads}. Period {PERIOD.label}, today {TODAY}, admin viewer. "
        f"DuckDB: median of {args.runs} warm runs after one warm-up; pandas: median of "
        f"{args.pandas_runs} runs; ms. Budget: {BUDGET_MS} ms per call. Machine load average "
        f"after the DuckDB runs: {duck_load:.1f}; when the report was written: "
        f"{os.getloadavg()[0]:.1f} (2 cores).",
        "",
        "One-off preparation: "
        + (", ".join(f"{name} {value:.1f}" for name, value in one_off.items()) or "none needed")
        + f"; pandas load of deals and events {load_seconds:.1f} s.",
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
        "| tab | pandas computation (core figures only) | ms |",
        "| --- | --- | ---: |",
    ]
    for tab, times in panda_times.items():
        for name, value in times.items():
            label = f"**{name}**" if name == "whole tab" else name
            lines.append(f"| {tab} | {label} | {value:,.0f} |")
    lines += [
        "",
        "| tab | DuckDB whole tab ms | pandas core figures ms | ratio pandas/DuckDB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for tab in duck_times:
        duck_ms, panda_ms = duck_times[tab]["whole tab"], panda_times[tab]["whole tab"]
        lines.append(f"| {tab} | {duck_ms:,.0f} | {panda_ms:,.0f} | {panda_ms / duck_ms:.2f} |")
    lines += [
        "",
        "Figures check: "
        + (
            "DuckDB and pandas agree on every compared figure."
            if not problems
            else "; ".join(problems)
        ),
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
