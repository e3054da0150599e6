"""Benchmark the Overview page's queries on DuckDB against a plain-pandas version.

Run from the project root:

    python bench/bench_overview.py --deals 1000000 10000000 --runs 5 \
        --workdir bench/data --out bench/results.md

For each size N the script

1. builds (or reuses, when the file exists and holds N deals of the same demo) the demo
   workspace ``<workdir>/bench_<N>.duckdb`` with
   ``python -m dashboard demo --db PATH --deals N --seed 7 --as-of 2026-11-25`` and records
   how long the build took (kept in ``bench_<N>.json`` beside it, so a reused file still
   reports its build time). The work folder gets a ``.gitignore`` of ``*``: nothing in it
   is ever committed;
2. times the Overview page's queries exactly as ``pages/overview.py`` runs them through
   ``dashboard/ui/loaders.py`` (a fresh cursor per call, no Streamlit cache), for period
   2026-Q4 with today = 2026-11-25 and no filters, for three sets:

   * ``admin``: an admin viewer (scope all) - ``compute_kpis``, ``load_goal_total``,
     ``load_open_due``, ``load_bookings_vs_goal`` (the 12 months ending at the period's
     end), ``load_pipeline_by_stage``, ``load_attainment(level='team')`` and
     ``list_deals(kind='won')``;
   * ``admin by owner``: ``compute_kpis(..., by='owner')`` alone;
   * ``manager``: the same seven calls for a manager of the region 'North America East'
     (scope team); like the page, attainment is then per rep (``level='rep'``);

3. reads the needed tables into pandas once (timed on its own: "pandas load"), then
   computes the same figures with pandas only (masks, groupby, merge; DuckDB only
   delivers the raw tables), timed the same way;
4. checks that both sides give the same figures - counts exactly; money exactly to the
   cent, except the weighted pipeline and goals, which DuckDB computes in floating point
   and which must agree within one cent; rates, means and medians to 1e-9 - and exits
   with status 1, listing every difference, when they do not;
5. prints a Markdown report and writes it to ``--out`` (rewritten after each size).

Each timing is the median of ``--runs`` warm runs after one untimed warm-up run, in
milliseconds; a set's "whole set" row is the median wall time of running its calls one
after another. DuckDB uses the threads and memory limit from the settings
(SALES_DB_THREADS, SALES_DB_MEMORY_LIMIT; default all cores); pandas runs on one core.
The report also gives the mean number of cores that other programs kept busy while a size
was timed (from /proc/stat) and the 1-minute load average when timing began and ended: on a
shared machine, times taken while those are well above 0 (resp. 2) are inflated - run again
when the machine is idle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import metrics  # noqa: E402
from dashboard.auth import Viewer  # noqa: E402
from dashboard.db import Database, close_all, open_database  # noqa: E402
from dashboard.metrics import DealFilter, Period  # noqa: E402

SEED = 7
AS_OF = dt.date(2026, 11, 25)
TODAY = AS_OF
PERIOD = Period.quarter_of(AS_OF)  # 2026-Q4
MANAGER_TEAM = "North America East"
NO_FILTERS = DealFilter()
DEAL_LIMIT = 5000
WHOLE_SET = "whole set"

ADMIN = Viewer(user_id=0, email="bench-admin@localhost", display_name="Bench", role="admin")

# The raw tables the pandas side needs, read once per workspace (no aggregation here).
LOAD_SQL = {
    "deals": """
        select opportunity_id, opportunity_name, owner_rep_id, product_id, territory_id,
            stage_id, lead_rating, lead_source, amount_rc, probability, forecast_category,
            expected_close_date, created_at, closed_at, loss_reason
        from opportunities
    """,
    "stages": "select stage_id, stage_name, sort_order, is_won, is_lost, is_active from stages",
    "reps": "select rep_id, full_name, team_id from reps",
    "teams": "select team_id, team_name, parent_team_id from teams",
    "territories": "select territory_id, territory_name from territories",
    "products": "select product_id, product_name from products",
    "goals": """
        select scope_kind, scope_id, metric, period_kind, period_start, period_end, target
        from goals
    """,
}
GOAL_KIND_RANK = {"month": 1, "quarter": 2, "year": 3}


def trend_period(period: Period) -> Period:
    """The 12 months ending at the period's end, as pages/overview.py computes it."""
    return Period(metrics.add_months(period.end, -12), period.end)


def attainment_level(viewer: Viewer) -> str:
    """Per team for the whole company, per rep otherwise (as pages/overview.py)."""
    return "team" if viewer.scope_kind == "all" else "rep"


# --------------------------------------------------------------------------- workspaces


@dataclass
class Workspace:
    deals: int
    path: Path
    built_now: bool
    build_seconds: float | None
    summary: dict[str, Any]


def _demo_deal_count(path: Path) -> int | None:
    """Deals in an existing demo workspace built with this seed and date, else None."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            settings = dict(
                con.execute("select setting_key, setting_value from workspace_settings").fetchall()
            )
            deals = con.execute("select count(*) from opportunities").fetchone()[0]
        finally:
            con.close()
    except duckdb.Error:
        return None
    if settings.get("demo_seed") != str(SEED) or settings.get("demo_as_of") != AS_OF.isoformat():
        return None
    return int(deals)


def prepare_workspace(workdir: Path, deals: int) -> Workspace:
    """Reuse <workdir>/bench_<N>.duckdb when it holds this demo, else build it anew."""
    workdir.mkdir(parents=True, exist_ok=True)
    ignore = workdir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# generated benchmark workspaces: never committed\n*\n")
    path = workdir / f"bench_{deals}.duckdb"
    record = workdir / f"bench_{deals}.json"
    if _demo_deal_count(path) == deals:
        saved = json.loads(record.read_text()) if record.exists() else {}
        print(f"[{deals:,}] reusing {path}", file=sys.stderr)
        return Workspace(deals, path, False, saved.get("build_seconds"), saved.get("summary", {}))
    for stale in (path, Path(f"{path}.wal"), record):
        stale.unlink(missing_ok=True)
    command = [
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
    ]
    print(f"[{deals:,}] building: {' '.join(command[1:])}", file=sys.stderr)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"building the {deals:,}-deal workspace failed ({done.returncode})")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    if summary["deals"] != deals:
        raise SystemExit(f"the demo built {summary['deals']} deals, not {deals}")
    record.write_text(json.dumps({"build_seconds": seconds, "summary": summary}, indent=2))
    print(f"[{deals:,}] built in {seconds:.1f} s", file=sys.stderr)
    return Workspace(deals, path, True, seconds, summary)


def manager_viewer(db: Database) -> Viewer:
    """A manager of the region MANAGER_TEAM (scope: its whole subtree)."""
    with db.reading() as cur:
        row = cur.execute(
            "select team_id from teams where team_name = $name", {"name": MANAGER_TEAM}
        ).fetchone()
    if row is None:
        raise SystemExit(f"no team named {MANAGER_TEAM!r} in the workspace")
    return Viewer(
        user_id=0,
        email="bench-manager@localhost",
        display_name="Bench manager",
        role="manager",
        team_id=int(row[0]),
    )


# --------------------------------------------------------------------------- DuckDB side

Step = tuple[str, Callable[[], Any]]


def duckdb_overview(db: Database, viewer: Viewer, period: Period) -> list[Step]:
    """The Overview page's calls, each on its own cursor like dashboard/ui/loaders.py."""

    def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
        def run() -> Any:
            with db.reading() as cur:
                return function(cur, *args, **kwargs)

        return run

    scope = metrics.goal_scope(viewer, NO_FILTERS)
    return [
        ("compute_kpis", call(metrics.compute_kpis, viewer, period, None, NO_FILTERS, TODAY)),
        ("load_goal_total", call(metrics.load_goal_total, scope, period)),
        ("load_open_due", call(metrics.load_open_due, viewer, period, NO_FILTERS)),
        (
            "load_bookings_vs_goal",
            call(metrics.load_bookings_vs_goal, viewer, trend_period(period), NO_FILTERS),
        ),
        ("load_pipeline_by_stage", call(metrics.load_pipeline_by_stage, viewer, NO_FILTERS)),
        (
            f"load_attainment({attainment_level(viewer)})",
            call(metrics.load_attainment, viewer, period, attainment_level(viewer), NO_FILTERS),
        ),
        ("list_deals(won)", call(metrics.list_deals, viewer, "won", period, NO_FILTERS)),
    ]


def duckdb_kpis_by_owner(db: Database, viewer: Viewer, period: Period) -> list[Step]:
    def run() -> Any:
        with db.reading() as cur:
            return metrics.compute_kpis(cur, viewer, period, "owner", NO_FILTERS, TODAY)

    return [("compute_kpis(by=owner)", run)]


# --------------------------------------------------------------------------- pandas side


@dataclass
class Frames:
    """The raw tables in pandas; money as integer cents, probability in hundredths of %."""

    deals: pd.DataFrame
    stages: pd.DataFrame
    reps: pd.DataFrame
    teams: pd.DataFrame
    territories: pd.DataFrame
    products: pd.DataFrame
    goals: pd.DataFrame


def load_frames(db: Database) -> Frames:
    """Read every table the pandas side needs, once."""
    with db.reading() as cur:
        frames = {name: cur.execute(query).df() for name, query in LOAD_SQL.items()}
    deals = frames["deals"]
    deals["amount_cents"] = (deals["amount_rc"] * 100).round().astype("int64")
    deals["probability_bp"] = (deals["probability"] * 100).round().astype("int64")
    if not frames["reps"]["full_name"].is_unique:
        raise SystemExit("rep names are not unique: grouping by owner id would differ")
    return Frames(**frames)


def _cents_to_float(cents: Any) -> Any:
    return cents / 100


def _weighted_cents(amount_cents_x_bp: Any) -> Any:
    """Sum of amount x probability / 100 (in cents x 10^4) rounded half up to cents."""
    return (amount_cents_x_bp + 5_000) // 10_000


def _in_period(column: pd.Series, period: Period) -> pd.Series:
    return (column >= pd.Timestamp(period.start)) & (column < pd.Timestamp(period.end))


def _visible_reps(frames: Frames, viewer: Viewer) -> pd.Series:
    reps = frames.reps
    if viewer.scope_kind == "all":
        return reps["rep_id"]
    if viewer.scope_kind == "rep":
        return reps.loc[reps["rep_id"] == viewer.rep_id, "rep_id"]
    teams = frames.teams
    subtree = set(teams.loc[teams["team_id"] == viewer.team_id, "team_id"])
    while True:
        children = set(teams.loc[teams["parent_team_id"].isin(subtree), "team_id"])
        if children <= subtree:
            break
        subtree |= children
    return reps.loc[reps["team_id"].isin(subtree), "rep_id"]


@dataclass
class Masks:
    scope: pd.Series
    won: pd.Series
    lost: pd.Series

    @property
    def open(self) -> pd.Series:
        return self.scope & ~self.won & ~self.lost


def _masks(frames: Frames, viewer: Viewer) -> Masks:
    deals, stages = frames.deals, frames.stages
    return Masks(
        scope=deals["owner_rep_id"].isin(_visible_reps(frames, viewer)),
        won=deals["stage_id"].isin(stages.loc[stages["is_won"], "stage_id"]),
        lost=deals["stage_id"].isin(stages.loc[stages["is_lost"], "stage_id"]),
    )


def _figures(closed: dict[str, Any], open_: dict[str, Any]) -> dict[str, Any]:
    """metrics._figures from integer cents."""
    won, lost = int(closed.get("won", 0)), int(closed.get("lost", 0))
    bookings, lost_amount = int(closed.get("bookings", 0)), int(closed.get("lost_amount", 0))
    median, mean = closed.get("cycle_days_median"), closed.get("cycle_days_mean")
    return {
        "deals": int(closed.get("deals", 0)),
        "won": won,
        "lost": lost,
        "open": int(open_.get("open", 0)),
        "win_rate": won / (won + lost) if won + lost else None,
        "win_rate_value": bookings / (bookings + lost_amount) if bookings + lost_amount else None,
        "bookings": bookings / 100,
        "avg_deal_size": round(bookings / 100 / won, 2) if won else None,
        "cycle_days_median": None if median is None or pd.isna(median) else float(median),
        "cycle_days_mean": None if mean is None or pd.isna(mean) else float(mean),
        "open_pipeline": int(open_.get("open_pipeline", 0)) / 100,
        "weighted_pipeline": int(_weighted_cents(int(open_.get("weighted", 0)))) / 100,
    }


def _cycle_days(won: pd.DataFrame) -> pd.Series:
    return (won["closed_at"].dt.normalize() - won["created_at"].dt.normalize()).dt.days


def pandas_kpis(
    frames: Frames, viewer: Viewer, period: Period, by: str | None = None
) -> dict[str, Any]:
    """compute_kpis for a period that has not ended (open pipeline = now), by None/owner."""
    if period.end <= TODAY or by not in (None, "owner"):
        raise NotImplementedError("the pandas side covers a running period, by None or owner")
    deals, masks = frames.deals, _masks(frames, viewer)
    closed_in = masks.scope & _in_period(deals["closed_at"], period)
    created_in = masks.scope & _in_period(deals["created_at"], period)
    won = deals.loc[
        closed_in & masks.won, ["owner_rep_id", "created_at", "closed_at", "amount_cents"]
    ]
    won["cycle"] = _cycle_days(won)
    lost = deals.loc[closed_in & masks.lost, ["owner_rep_id", "amount_cents"]]
    open_ = deals.loc[masks.open, ["owner_rep_id", "amount_cents", "probability_bp"]]
    open_["weighted"] = open_["amount_cents"] * open_["probability_bp"]
    if by is None:
        closed = {
            "deals": int(created_in.sum()),
            "won": len(won),
            "lost": len(lost),
            "bookings": int(won["amount_cents"].sum()),
            "lost_amount": int(lost["amount_cents"].sum()),
            "cycle_days_median": won["cycle"].median() if len(won) else None,
            "cycle_days_mean": won["cycle"].mean() if len(won) else None,
        }
        totals = {
            "open": len(open_),
            "open_pipeline": int(open_["amount_cents"].sum()),
            "weighted": int(open_["weighted"].sum()),
        }
        return _figures(closed, totals)
    owners = deals.loc[masks.scope, "owner_rep_id"].unique()
    closed = pd.DataFrame(index=pd.Index(owners, name="owner_rep_id"))
    closed["deals"] = deals.loc[created_in, "owner_rep_id"].value_counts()
    closed = closed.join(
        won.groupby("owner_rep_id").agg(
            won=("cycle", "size"),
            bookings=("amount_cents", "sum"),
            cycle_days_median=("cycle", "median"),
            cycle_days_mean=("cycle", "mean"),
        )
    )
    closed = closed.join(
        lost.groupby("owner_rep_id").agg(
            lost=("amount_cents", "size"), lost_amount=("amount_cents", "sum")
        )
    )
    counts = ["deals", "won", "lost", "bookings", "lost_amount"]
    closed[counts] = closed[counts].fillna(0).astype("int64")
    pipeline = open_.groupby("owner_rep_id").agg(
        open=("amount_cents", "size"),
        open_pipeline=("amount_cents", "sum"),
        weighted=("weighted", "sum"),
    )
    names = frames.reps.set_index("rep_id")["full_name"]
    closed_rows = closed.to_dict("index")
    open_rows = pipeline.to_dict("index")
    groups = [
        {"key": names[owner], **_figures(closed_rows[owner], open_rows.get(owner, {}))}
        for owner in closed_rows
    ]
    groups.sort(key=lambda group: (-group["bookings"], -group["open_pipeline"], group["key"]))
    return {**pandas_kpis(frames, viewer, period), "groups": groups}


def pandas_goal_by_month(
    frames: Frames, scope: tuple[str, int | None] | None, period: Period
) -> pd.DataFrame:
    """overview/goal_by_month: a goal spread over the days of each month; finest kind wins."""
    if scope is None:
        return pd.DataFrame(columns=["month_start", "target"])
    first = pd.Timestamp(period.start).replace(day=1)
    last = pd.Timestamp(period.end) - pd.Timedelta(days=1)
    months = pd.DataFrame({"month_start": pd.date_range(first, last, freq="MS")})
    goals = frames.goals
    same_scope = (
        goals["scope_id"].isna() if scope[1] is None else goals["scope_id"].eq(scope[1])
    ).fillna(False)
    goals = goals[(goals["scope_kind"] == scope[0]) & (goals["metric"] == "bookings") & same_scope]
    rank = goals["period_kind"].map(GOAL_KIND_RANK)
    goals = goals[rank == rank.min()]
    pairs = months.merge(goals[["period_start", "period_end", "target"]], how="cross")
    month_end = pairs["month_start"] + pd.DateOffset(months=1)
    overlaps = (pairs["period_start"] < month_end) & (pairs["period_end"] > pairs["month_start"])
    pairs, month_end = pairs[overlaps], month_end[overlaps]
    days = (
        np.minimum(month_end, pairs["period_end"])
        - np.maximum(pairs["month_start"], pairs["period_start"])
    ).dt.days
    length = (pairs["period_end"] - pairs["period_start"]).dt.days
    spread = (pairs["target"] * days / length).groupby(pairs["month_start"]).sum()
    months["target"] = months["month_start"].map(spread).round(2)
    return months


def pandas_goal_total(
    frames: Frames, scope: tuple[str, int | None] | None, period: Period
) -> float | None:
    monthly = pandas_goal_by_month(frames, scope, period)
    if monthly.empty or monthly["target"].isna().all():
        return None
    return float(monthly["target"].fillna(0).sum())


def pandas_open_due(frames: Frames, viewer: Viewer, period: Period) -> float:
    deals, masks = frames.deals, _masks(frames, viewer)
    due = masks.open & _in_period(deals["expected_close_date"], period)
    return int(deals.loc[due, "amount_cents"].sum()) / 100


def pandas_bookings_vs_goal(frames: Frames, viewer: Viewer, period: Period) -> pd.DataFrame:
    goals = pandas_goal_by_month(frames, metrics.goal_scope(viewer, NO_FILTERS), period)
    deals, masks = frames.deals, _masks(frames, viewer)
    won = deals.loc[
        masks.scope & masks.won & _in_period(deals["closed_at"], period),
        ["closed_at", "amount_cents"],
    ]
    month = won["closed_at"].dt.to_period("M").dt.start_time.rename("month_start")
    monthly = won.groupby(month)["amount_cents"].agg(["size", "sum"])
    frame = pd.DataFrame(
        {"month_start": pd.date_range(period.start, period.end, freq="MS", inclusive="left")}
    )
    frame["won"] = frame["month_start"].map(monthly["size"]).fillna(0).astype(int)
    frame["bookings"] = _cents_to_float(frame["month_start"].map(monthly["sum"]).fillna(0))
    frame["target"] = frame["month_start"].map(goals.set_index("month_start")["target"])
    frame["bookings_cumulative"] = frame["bookings"].cumsum()
    frame["target_cumulative"] = frame["target"].cumsum()
    return frame


def pandas_pipeline_by_stage(frames: Frames, viewer: Viewer) -> pd.DataFrame:
    deals, stages, masks = frames.deals, frames.stages, _masks(frames, viewer)
    open_ = deals.loc[masks.open, ["stage_id", "amount_cents", "probability_bp"]]
    open_["weighted"] = open_["amount_cents"] * open_["probability_bp"]
    per_stage = open_.groupby("stage_id").agg(
        deals=("amount_cents", "size"), amount=("amount_cents", "sum"), weighted=("weighted", "sum")
    )
    shown = stages[~stages["is_won"] & ~stages["is_lost"] & stages["is_active"]]
    frame = shown[["stage_id", "stage_name", "sort_order"]].merge(
        per_stage, left_on="stage_id", right_index=True, how="left"
    )
    frame[["deals", "amount", "weighted"]] = frame[["deals", "amount", "weighted"]].fillna(0)
    frame["deals"] = frame["deals"].astype("int64")
    frame["weighted_amount"] = _weighted_cents(frame["weighted"].astype("int64")) / 100
    frame["amount"] = _cents_to_float(frame["amount"])
    return frame.drop(columns="weighted").sort_values("sort_order").reset_index(drop=True)


def pandas_attainment(frames: Frames, viewer: Viewer, period: Period, level: str) -> pd.DataFrame:
    deals, masks, reps = frames.deals, _masks(frames, viewer), frames.reps
    won = deals.loc[
        masks.scope & masks.won & _in_period(deals["closed_at"], period),
        ["owner_rep_id", "amount_cents"],
    ]
    if level == "team":
        unit = won["owner_rep_id"].map(reps.set_index("rep_id")["team_id"])
    else:
        unit = won["owner_rep_id"]
    booked = won.groupby(unit.rename("unit_id"))["amount_cents"].agg(won="size", cents="sum")
    visible = reps[reps["rep_id"].isin(_visible_reps(frames, viewer))].merge(
        frames.teams[["team_id", "team_name"]], on="team_id"
    )
    if level == "team":
        units = visible[["team_id", "team_name"]].assign(unit_name=visible["team_name"])
        units = units.rename(columns={"team_id": "unit_id"})
    else:
        units = visible.rename(columns={"rep_id": "unit_id", "full_name": "unit_name"})
    units = units[["unit_id", "unit_name", "team_name"]].drop_duplicates()
    goals = frames.goals
    chosen = goals[
        (goals["scope_kind"] == level)
        & (goals["metric"] == "bookings")
        & (goals["period_kind"] == "quarter")
        & (goals["period_start"] >= pd.Timestamp(period.start))
        & (goals["period_end"] <= pd.Timestamp(period.end))
    ]
    unit_goals = chosen.groupby("scope_id")["target"].sum()
    frame = units.merge(booked, left_on="unit_id", right_index=True, how="left")
    frame["goal"] = frame["unit_id"].map(unit_goals).astype(float)
    bookings = _cents_to_float(frame["cents"])
    frame["attainment"] = bookings / frame["goal"].where(frame["goal"] != 0)
    frame["won"] = frame["won"].fillna(0).astype("int64")
    frame["bookings"] = bookings.fillna(0.0)
    frame = frame.drop(columns="cents")
    return frame.sort_values(
        ["attainment", "bookings"], ascending=[False, False], na_position="last"
    ).reset_index(drop=True)


def pandas_list_won(frames: Frames, viewer: Viewer, period: Period) -> pd.DataFrame:
    deals, masks = frames.deals, _masks(frames, viewer)
    chosen = deals[masks.scope & masks.won & _in_period(deals["closed_at"], period)]
    chosen = chosen.sort_values(["amount_cents", "opportunity_id"], ascending=[False, True])
    chosen = chosen.head(DEAL_LIMIT)
    reps = frames.reps.set_index("rep_id")
    team_names = frames.teams.set_index("team_id")["team_name"]
    stage_names = frames.stages.set_index("stage_id")["stage_name"]
    territory_names = frames.territories.set_index("territory_id")["territory_name"]
    product_names = frames.products.set_index("product_id")["product_name"]
    return pd.DataFrame(
        {
            "opportunity_id": chosen["opportunity_id"],
            "opportunity_name": chosen["opportunity_name"],
            "owner_name": chosen["owner_rep_id"].map(reps["full_name"]),
            "team_name": chosen["owner_rep_id"].map(reps["team_id"]).map(team_names),
            "territory_name": chosen["territory_id"].map(territory_names),
            "product_name": chosen["product_id"].map(product_names),
            "stage_name": chosen["stage_id"].map(stage_names),
            "lead_rating": chosen["lead_rating"],
            "lead_source": chosen["lead_source"],
            "amount": chosen["amount_rc"],
            "probability": chosen["probability"],
            "forecast_category": chosen["forecast_category"],
            "expected_close_date": chosen["expected_close_date"],
            "created_at": chosen["created_at"],
            "closed_at": chosen["closed_at"],
            "loss_reason": chosen["loss_reason"],
        }
    ).reset_index(drop=True)


def pandas_overview(frames: Frames, viewer: Viewer, period: Period) -> list[Step]:
    """The same calls as duckdb_overview, computed with pandas from the loaded frames."""
    scope = metrics.goal_scope(viewer, NO_FILTERS)
    level = attainment_level(viewer)
    return [
        ("compute_kpis", lambda: pandas_kpis(frames, viewer, period)),
        ("load_goal_total", lambda: pandas_goal_total(frames, scope, period)),
        ("load_open_due", lambda: pandas_open_due(frames, viewer, period)),
        (
            "load_bookings_vs_goal",
            lambda: pandas_bookings_vs_goal(frames, viewer, trend_period(period)),
        ),
        ("load_pipeline_by_stage", lambda: pandas_pipeline_by_stage(frames, viewer)),
        (f"load_attainment({level})", lambda: pandas_attainment(frames, viewer, period, level)),
        ("list_deals(won)", lambda: pandas_list_won(frames, viewer, period)),
    ]


def pandas_kpis_by_owner(frames: Frames, viewer: Viewer, period: Period) -> list[Step]:
    return [("compute_kpis(by=owner)", lambda: pandas_kpis(frames, viewer, period, "owner"))]


# --------------------------------------------------------------------------- timing


def time_steps(steps: list[Step], runs: int) -> tuple[dict[str, Any], dict[str, float]]:
    """Results of one untimed warm-up run, and the median ms of `runs` warm runs per step."""
    results = {name: function() for name, function in steps}
    samples: dict[str, list[float]] = {name: [] for name, _ in steps}
    samples[WHOLE_SET] = []
    for _ in range(runs):
        set_started = time.perf_counter()
        for name, function in steps:
            started = time.perf_counter()
            function()
            samples[name].append((time.perf_counter() - started) * 1000)
        samples[WHOLE_SET].append((time.perf_counter() - set_started) * 1000)
    return results, {name: statistics.median(values) for name, values in samples.items()}


# --------------------------------------------------------------------------- checking


class Checker:
    """Collects every difference between the DuckDB and the pandas figures."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.off_by_a_cent: list[str] = []  # allowed by a tolerance, reported
        self.checked = 0

    def equal(self, label: str, duck: Any, panda: Any) -> None:
        self.checked += 1
        if duck == panda:
            return
        if isinstance(duck, list) and isinstance(panda, list):
            where = next(
                (i for i, pair in enumerate(zip(duck, panda, strict=False)) if pair[0] != pair[1]),
                min(len(duck), len(panda)),
            )
            self.problems.append(
                f"{label}: {len(duck)} vs {len(panda)} items, first difference at #{where}: "
                f"duckdb {duck[where : where + 3]!r} != pandas {panda[where : where + 3]!r}"
            )
        else:
            self.problems.append(f"{label}: duckdb {duck!r} != pandas {panda!r}")

    def cents(self, label: str, duck: Any, panda: Any, tolerance_cents: int = 0) -> None:
        """Money: equal to the cent (or within tolerance_cents)."""
        self.checked += 1
        if _is_missing(duck) or _is_missing(panda):
            if not (_is_missing(duck) and _is_missing(panda)):
                self.problems.append(f"{label}: duckdb {duck!r} vs pandas {panda!r}")
            return
        difference = abs(round(float(duck) * 100) - round(float(panda) * 100))
        if difference > tolerance_cents:
            self.problems.append(f"{label}: duckdb {duck!r} != pandas {panda!r} (to the cent)")
        elif difference:
            self.off_by_a_cent.append(f"{label}: duckdb {duck!r}, pandas {panda!r}")

    def close(self, label: str, duck: Any, panda: Any, relative: float = 1e-9) -> None:
        self.checked += 1
        if _is_missing(duck) or _is_missing(panda):
            if not (_is_missing(duck) and _is_missing(panda)):
                self.problems.append(f"{label}: duckdb {duck!r} vs pandas {panda!r}")
            return
        if abs(float(duck) - float(panda)) > relative * max(1.0, abs(float(duck))):
            self.problems.append(f"{label}: duckdb {duck!r} != pandas {panda!r}")


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def check_figures(check: Checker, label: str, duck: dict[str, Any], panda: dict[str, Any]):
    for key in ("deals", "won", "lost", "open"):
        check.equal(f"{label} {key}", duck[key], panda[key])
    for key in ("bookings", "open_pipeline", "avg_deal_size"):
        check.cents(f"{label} {key}", duck[key], panda[key])
    # DuckDB sums amount x probability / 100 as doubles, then rounds to cents
    check.cents(
        f"{label} weighted_pipeline", duck["weighted_pipeline"], panda["weighted_pipeline"], 1
    )
    for key in ("win_rate", "win_rate_value", "cycle_days_median", "cycle_days_mean"):
        check.close(f"{label} {key}", duck[key], panda[key])


def check_overview(check: Checker, label: str, duck: dict[str, Any], panda: dict[str, Any]):
    check_figures(check, f"{label} compute_kpis", duck["compute_kpis"], panda["compute_kpis"])
    check.cents(f"{label} goal_total", duck["load_goal_total"], panda["load_goal_total"], 1)
    check.cents(f"{label} open_due", duck["load_open_due"], panda["load_open_due"])

    trend_duck, trend_panda = duck["load_bookings_vs_goal"], panda["load_bookings_vs_goal"]
    check.equal(
        f"{label} trend months",
        [str(m.date()) for m in trend_duck["month_start"]],
        [str(m.date()) for m in trend_panda["month_start"]],
    )
    for (_, row_duck), (_, row_panda) in zip(
        trend_duck.iterrows(), trend_panda.iterrows(), strict=False
    ):
        month = f"{label} trend {row_duck['month_start']:%Y-%m}"
        check.equal(f"{month} won", int(row_duck["won"]), int(row_panda["won"]))
        for column in ("bookings", "bookings_cumulative"):
            check.cents(f"{month} {column}", row_duck[column], row_panda[column])
        for column in ("target", "target_cumulative"):
            check.cents(f"{month} {column}", row_duck[column], row_panda[column], 1)

    stages_duck, stages_panda = duck["load_pipeline_by_stage"], panda["load_pipeline_by_stage"]
    check.equal(
        f"{label} stages", list(stages_duck["stage_name"]), list(stages_panda["stage_name"])
    )
    for (_, row_duck), (_, row_panda) in zip(
        stages_duck.iterrows(), stages_panda.iterrows(), strict=False
    ):
        stage = f"{label} stage {row_duck['stage_name']}"
        check.equal(f"{stage} deals", int(row_duck["deals"]), int(row_panda["deals"]))
        check.cents(f"{stage} amount", row_duck["amount"], row_panda["amount"])
        check.cents(
            f"{stage} weighted", row_duck["weighted_amount"], row_panda["weighted_amount"], 1
        )

    name = next(key for key in duck if key.startswith("load_attainment"))
    units_duck = duck[name].set_index("unit_id")
    units_panda = panda[name].set_index("unit_id")
    check.equal(f"{label} {name} units", sorted(units_duck.index), sorted(units_panda.index))
    for unit in units_duck.index.intersection(units_panda.index):
        row_duck, row_panda = units_duck.loc[unit], units_panda.loc[unit]
        where = f"{label} {name} {row_duck['unit_name']}"
        check.equal(f"{where} name", row_duck["unit_name"], row_panda["unit_name"])
        check.equal(f"{where} won", int(row_duck["won"]), int(row_panda["won"]))
        check.cents(f"{where} bookings", row_duck["bookings"], row_panda["bookings"])
        check.cents(f"{where} goal", row_duck["goal"], row_panda["goal"])
        check.close(f"{where} attainment", row_duck["attainment"], row_panda["attainment"])
    check.equal(
        f"{label} {name} order",
        [round(value, 9) for value in duck[name]["attainment"].fillna(-1)],
        [round(value, 9) for value in panda[name]["attainment"].fillna(-1)],
    )

    deals_duck, deals_panda = duck["list_deals(won)"], panda["list_deals(won)"]
    check.equal(
        f"{label} list_deals ids",
        deals_duck["opportunity_id"].tolist(),
        deals_panda["opportunity_id"].tolist(),
    )
    check.equal(
        f"{label} list_deals amounts (cents)",
        (deals_duck["amount"] * 100).round().astype("int64").tolist(),
        (deals_panda["amount"] * 100).round().astype("int64").tolist(),
    )
    for column in ("owner_name", "team_name", "territory_name", "product_name", "stage_name"):
        check.equal(
            f"{label} list_deals {column}",
            deals_duck[column].tolist(),
            deals_panda[column].tolist(),
        )


def check_by_owner(check: Checker, label: str, duck: dict[str, Any], panda: dict[str, Any]):
    check_figures(check, f"{label} totals", duck, panda)
    check.equal(
        f"{label} owners in order",
        [group["key"] for group in duck["groups"]],
        [group["key"] for group in panda["groups"]],
    )
    for group_duck, group_panda in zip(duck["groups"], panda["groups"], strict=False):
        check_figures(check, f"{label} {group_duck['key']}", group_duck, group_panda)


# --------------------------------------------------------------------------- report


@dataclass
class Row:
    deals: int
    query: str
    duckdb_ms: float
    pandas_ms: float


@dataclass
class SizeResult:
    workspace: Workspace
    load_seconds: float
    pandas_memory_mb: float
    file_mb: float
    checks: int
    off_by_a_cent: list[str]
    other_cores: float | None  # mean cores busy with other processes while timing
    load_average: tuple[float, float]  # 1-minute load average when timing began and ended
    rows: list[Row]


@dataclass(frozen=True)
class CpuSample:
    """Machine-wide busy CPU seconds (/proc/stat) and this process's own, at one moment."""

    wall: float
    busy: float | None
    own: float

    @classmethod
    def now(cls) -> CpuSample:
        busy = None
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
            idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
            busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
        times = os.times()
        return cls(time.perf_counter(), busy, times.user + times.system)

    def other_cores_since(self) -> float | None:
        """Mean cores used by other processes from this sample until now."""
        later = CpuSample.now()
        if self.busy is None or later.busy is None or later.wall <= self.wall:
            return None
        others = (later.busy - self.busy) - (later.own - self.own)
        return max(0.0, others / (later.wall - self.wall))


def _load_average() -> float:
    """The machine's 1-minute load average (runnable processes; 2 means both cores busy)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _cores(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.2f} cores"


def machine_line() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.1f} GiB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}"
    )


def render(results: list[SizeResult], runs: int, duckdb_config: str) -> str:
    lines = [
        "# Overview page: DuckDB vs pandas",
        "",
        f"Machine: {machine_line()}. DuckDB settings: {duckdb_config}.",
        "",
        f"Workspaces: demo built with seed {SEED}, as of {AS_OF}. Period {PERIOD.label} "
        f"(today {TODAY}), no filters. Viewers: admin (scope all) and a manager of "
        f"'{MANAGER_TEAM}' (scope team; attainment per rep, as the page does).",
        "",
        f"Times: median of {runs} warm runs after one untimed warm-up, in ms. DuckDB: the "
        "dashboard.metrics functions as the Overview page calls them (a cursor per call, no "
        "Streamlit cache). pandas: the same figures from tables read into pandas once "
        "(pandas runs on one core). 'Other processes' CPU' is the mean number of cores "
        "that other programs kept busy meanwhile: well above 0, the times are inflated. The "
        "load average is the machine's 1-minute load when timing began and ended: above 2, "
        "the two cores had more work than they could run.",
        "",
        "## Setup",
        "",
        "| size (deals) | workspace build | file size | pandas load (once) | pandas frames "
        "| other processes' CPU while timing | load average (1 min) at start, end |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        workspace = result.workspace
        if workspace.build_seconds is None:
            build = "reused (build time unknown)"
        else:
            build = f"{workspace.build_seconds:.1f} s" + (
                "" if workspace.built_now else " (earlier build, reused)"
            )
        lines.append(
            f"| {workspace.deals:,} | {build} | {result.file_mb:,.0f} MB "
            f"| {result.load_seconds:.2f} s | {result.pandas_memory_mb:,.0f} MB "
            f"| {_cores(result.other_cores)} "
            f"| {result.load_average[0]:.2f}, {result.load_average[1]:.2f} |"
        )
    lines += [
        "",
        "## Query times",
        "",
        "| size (deals) | query | DuckDB median ms | pandas median ms | ratio (pandas/duckdb) |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for result in results:
        for row in result.rows:
            ratio = row.pandas_ms / row.duckdb_ms if row.duckdb_ms else float("nan")
            query = f"**{row.query}**" if row.query.endswith(WHOLE_SET) else row.query
            lines.append(
                f"| {row.deals:,} | {query} | {row.duckdb_ms:,.1f} | {row.pandas_ms:,.1f} "
                f"| {ratio:.2f} |"
            )
    lines += [
        "",
        "## Figures check",
        "",
    ]
    for result in results:
        lines.append(
            f"- {result.workspace.deals:,} deals: {result.checks:,} figures compared, DuckDB "
            "and pandas agree (counts exact; money to the cent; weighted pipeline and goals "
            "within one cent; rates, means and medians to 1e-9); "
            + (
                f"{len(result.off_by_a_cent)} differ by one cent: "
                + "; ".join(result.off_by_a_cent)
                if result.off_by_a_cent
                else "every money figure equal to the cent."
            )
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def bench_size(workdir: Path, deals: int, runs: int) -> tuple[SizeResult, str]:
    workspace = prepare_workspace(workdir, deals)
    cpu_before = CpuSample.now()
    load_before = _load_average()
    db = open_database(str(workspace.path))
    try:
        with db.reading() as cur:
            threads, memory = cur.execute(
                "select current_setting('threads'), current_setting('memory_limit')"
            ).fetchone()
        manager = manager_viewer(db)
        sets = [
            ("admin", duckdb_overview, pandas_overview, ADMIN, check_overview),
            ("admin", duckdb_kpis_by_owner, pandas_kpis_by_owner, ADMIN, None),
            ("manager", duckdb_overview, pandas_overview, manager, check_overview),
        ]

        duck_timings, duck_results = [], []
        for label, duck_steps, _, viewer, _ in sets:
            print(f"[{deals:,}] DuckDB: {label} {duck_steps.__name__}", file=sys.stderr)
            results, medians = time_steps(duck_steps(db, viewer, PERIOD), runs)
            duck_results.append(results)
            duck_timings.append(medians)

        print(f"[{deals:,}] loading tables into pandas", file=sys.stderr)
        started = time.perf_counter()
        frames = load_frames(db)
        load_seconds = time.perf_counter() - started
        memory_mb = (
            sum(
                frame.memory_usage(deep=True).sum()
                for frame in vars(frames).values()
                if isinstance(frame, pd.DataFrame)
            )
            / 2**20
        )

        check = Checker()
        rows: list[Row] = []
        for (label, _, panda_steps, viewer, checker), duck, duck_ms in zip(
            sets, duck_results, duck_timings, strict=True
        ):
            print(f"[{deals:,}] pandas: {label} {panda_steps.__name__}", file=sys.stderr)
            results, panda_ms = time_steps(panda_steps(frames, viewer, PERIOD), runs)
            if checker is None:
                check_by_owner(
                    check,
                    f"{label} by owner",
                    duck["compute_kpis(by=owner)"],
                    results["compute_kpis(by=owner)"],
                )
            else:
                checker(check, label, duck, results)
            calls = len(duck_ms) - 1
            for name in duck_ms:
                if name != WHOLE_SET:
                    rows.append(Row(deals, f"{label}: {name}", duck_ms[name], panda_ms[name]))
                elif calls > 1:
                    query = f"{label}: {WHOLE_SET} ({calls} calls)"
                    rows.append(Row(deals, query, duck_ms[name], panda_ms[name]))
        del frames
        gc.collect()
    finally:
        close_all()
    if check.problems:
        print(f"\n[{deals:,}] DuckDB and pandas DISAGREE:", file=sys.stderr)
        for problem in check.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(f"{len(check.problems)} figures differ at {deals:,} deals")
    file_mb = workspace.path.stat().st_size / 2**20
    result = SizeResult(
        workspace,
        load_seconds,
        memory_mb,
        file_mb,
        check.checked,
        check.off_by_a_cent,
        cpu_before.other_cores_since(),
        (load_before, _load_average()),
        rows,
    )
    return result, f"threads={threads}, memory_limit={memory}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", 1)[0],
        epilog="See the module docstring (bench/bench_overview.py) for what is measured.",
    )
    parser.add_argument("--deals", type=int, nargs="+", required=True, help="workspace sizes")
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs (default 5)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=PROJECT_ROOT / "bench" / "data",
        help="folder for the workspaces (default bench/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_ROOT / "bench" / "results.md",
        help="Markdown report (default bench/results.md)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or any(deals < 100 for deals in args.deals):
        parser.error("--runs must be at least 1 and every size at least 100 deals")

    results: list[SizeResult] = []
    report = ""
    for deals in args.deals:
        result, duckdb_config = bench_size(args.workdir, deals, args.runs)
        results.append(result)
        report = render(results, args.runs, duckdb_config)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report)
    print(report)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
