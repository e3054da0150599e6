"""Benchmark importing a large deal export end to end, next to plain pandas.read_csv.

Run from the project root:

    python bench/bench_import.py --rows 1000000 --workdir bench/data

The script

1. writes a deterministic deal export of N rows (seed 7) to ``<workdir>/import_<N>.csv``,
   in the shape of a Salesforce opportunity report: quoted fields, amounts written
   "USD 12,345.00", probabilities "60%", dates M/D/YYYY, 200 owners, 5,000 accounts,
   10 products, the eight standard Salesforce stages (Closed Won / Closed Lost included),
   and one row in a thousand that is wrong (a negative amount, a date that does not exist)
   and must be rejected with its reason;
2. times ``pandas.read_csv`` of that file (default options: the floor any import pays to
   parse the text), median of ``--runs``;
3. imports the file into a fresh workspace (``<workdir>/import_<N>.duckdb``, migrated, with
   nothing in it) exactly as the Imports page and ``python -m dashboard import`` do:
   ``planning.plan_file`` (read, detect, propose) and ``planning.load`` (typed records,
   validation, reps / accounts / products created, deals written through the set-based
   path, their history, audit rows, the batch and its rejects) in one transaction; every
   phase is timed once (a load is not repeatable on the same workspace);
4. imports a second export of the same deals a week later (every tenth deal moved on: a
   stage, an amount, a close date) to time the update path (events per changed field);
5. checks the loaded figures against the file: deals, won, lost, won amount and rejects
   computed with pandas from the CSV must equal dashboard.metrics.compute_kpis on the
   workspace (exit status 1 otherwise);
6. prints a Markdown report (and writes it to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import metrics  # noqa: E402
from dashboard.auth import Viewer  # noqa: E402
from dashboard.db import Database, migrate  # noqa: E402
from dashboard.importing import planning  # noqa: E402

ANALYST = Viewer(0, "bench@localhost", "Benchmark", "analyst")
STAGES = [
    ("Prospecting", 10),
    ("Qualification", 10),
    ("Needs Analysis", 20),
    ("Value Proposition", 50),
    ("Id. Decision Makers", 60),
    ("Perception Analysis", 70),
    ("Proposal/Price Quote", 75),
    ("Negotiation/Review", 90),
    ("Closed Won", 100),
    ("Closed Lost", 0),
]
STAGE_WEIGHTS = [0.08, 0.06, 0.05, 0.05, 0.04, 0.03, 0.03, 0.03, 0.38, 0.25]
FIRST = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jia"]
LAST = ["Ng", "Ortiz", "Park", "Quinn", "Ruiz", "Sato", "Tran", "Uhl", "Vega", "Wolf"]
SOURCES = ["Web", "Partner", "Referral", "Trade Show", "Phone Inquiry", ""]


def write_export(path: Path, rows: int, seed: int = 7, later: bool = False) -> None:
    """A deterministic opportunity report of `rows` deals (the week-later version when later)."""
    rng = np.random.default_rng(seed)
    index = np.arange(rows)
    owners = np.array([f"{first} {last} {n}" for n in range(2) for first in FIRST for last in LAST])
    accounts = np.array([f"Account {n:05d}" for n in range(5000)])
    products = np.array([f"Product {chr(65 + n)}" for n in range(10)])
    stage_index = rng.choice(len(STAGES), size=rows, p=STAGE_WEIGHTS)
    created = np.datetime64("2023-01-01") + rng.integers(0, 900, size=rows).astype("timedelta64[D]")
    close = created + rng.integers(5, 200, size=rows).astype("timedelta64[D]")
    amount = rng.integers(100, 2_000_000, size=rows) / 100 * 10
    owner = owners[rng.integers(0, len(owners), size=rows)]
    account = accounts[rng.integers(0, len(accounts), size=rows)]
    product = products[rng.integers(0, len(products), size=rows)]
    source = np.array(SOURCES)[rng.integers(0, len(SOURCES), size=rows)]
    if later:
        moved = index % 10 == 3
        open_ = stage_index < 8
        stage_index = np.where(moved & open_, np.minimum(stage_index + 1, 9), stage_index)
        amount = np.where(moved, amount + 500, amount)
        close = np.where(moved & open_, close + np.timedelta64(14, "D"), close)
    names = np.array([name for name, _ in STAGES])[stage_index]
    probability = np.array([p for _, p in STAGES])[stage_index]
    frame = pd.DataFrame(
        {
            "Opportunity ID": [f"006{n:012d}" for n in index],
            "Opportunity Name": np.char.add(np.char.add(account, " - "), product),
            "Opportunity Owner": owner,
            "Account Name": account,
            "Product": product,
            "Stage": names,
            "Amount": [f"USD {value:,.2f}" for value in amount],
            "Probability (%)": [f"{value}%" for value in probability],
            "Close Date": pd.to_datetime(close).strftime("%-m/%-d/%Y"),
            "Created Date": pd.to_datetime(created).strftime("%-m/%-d/%Y"),
            "Lead Source": source,
        }
    )
    bad = index[index % 1000 == 999]
    frame.loc[bad[::2], "Amount"] = "USD -5.00"
    frame.loc[bad[1::2], "Close Date"] = "2/30/2024"
    frame.to_csv(path, index=False, quoting=1, lineterminator="\r\n")


def expected_figures(path: Path) -> dict[str, float]:
    """Deals, won, lost, won amount and rejects computed from the file with pandas alone."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    amount = pd.to_numeric(frame["Amount"].str.replace("USD ", "").str.replace(",", ""))
    bad_date = pd.to_datetime(frame["Close Date"], format="%m/%d/%Y", errors="coerce").isna()
    rejected = (amount < 0) | bad_date
    good = frame[~rejected]
    won = good["Stage"] == "Closed Won"
    return {
        "deals": int(len(good)),
        "rejected": int(rejected.sum()),
        "won": int(won.sum()),
        "lost": int((good["Stage"] == "Closed Lost").sum()),
        "bookings": round(float(amount[~rejected][won].sum()), 2),
    }


def fresh_workspace(path: Path) -> Database:
    for suffix in ("", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    database = Database(str(path))
    migrate(database)
    return database


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process, DuckDB's threads included)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu


def import_file(database: Database, path: Path, as_of: dt.datetime) -> dict[str, object]:
    """Plan and load one file as the page does; returns the phase times and the result."""
    gc.collect()
    data, read_wall, read_cpu = timed(path.read_bytes)
    with database.reading() as cur:
        plans, plan_wall, plan_cpu = timed(
            planning.plan_file, cur, ANALYST, path.name, data, "auto"
        )
    for plan in plans:
        plan.mapping.create_reps = True
        plan.mapping.date_order = "mdy"
        plan.mapping.as_of = as_of
    results, load_wall, load_cpu = timed(planning.load, database, ANALYST, plans, now=as_of)
    return {
        "result": results[0],
        "read": (read_wall, read_cpu),
        "plan": (plan_wall, plan_cpu),
        "load": (load_wall, load_cpu),
        "total": (read_wall + plan_wall + load_wall, read_cpu + plan_cpu + load_cpu),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="pandas.read_csv repetitions")
    parser.add_argument("--workdir", default="bench/data")
    parser.add_argument("--out", help="also write the report to this Markdown file")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse export files already in the work folder"
    )
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / ".gitignore").write_text("*\n")
    first = workdir / f"import_{args.rows}.csv"
    second = workdir / f"import_{args.rows}_week2.csv"
    load_before = os.getloadavg()[0]
    if not (first.exists() and second.exists() and args.reuse):
        write_export(first, args.rows)
        write_export(second, args.rows, later=True)
    size_mb = first.stat().st_size / 1e6

    pandas_times = []
    for _ in range(args.runs):
        gc.collect()
        _, wall, cpu = timed(pd.read_csv, first)
        pandas_times.append((wall, cpu))
    pandas_seconds = (
        statistics.median(wall for wall, _ in pandas_times),
        statistics.median(cpu for _, cpu in pandas_times),
    )

    database = fresh_workspace(workdir / f"import_{args.rows}.duckdb")
    week_1 = import_file(database, first, dt.datetime(2026, 3, 1, 18))
    week_2 = import_file(database, second, dt.datetime(2026, 3, 8, 18))
    expected = expected_figures(first)
    with database.reading() as cur:
        figures = metrics.compute_kpis(cur, ANALYST, metrics.Period(dt.date(2000, 1, 1), None))
    database.close()
    result = week_1["result"]
    loaded = {
        "deals": result.count("new"),
        "rejected": result.count("rejected"),
        "won": None,
        "lost": None,
        "bookings": None,
    }
    # the workspace holds week 2 now; check week 1's counts from its result and week 2's
    # figures from the workspace against the week-2 file
    expected_2 = expected_figures(second)
    loaded_2 = {
        "deals": figures["deals"],
        "rejected": week_2["result"].count("rejected"),
        "won": figures["won"],
        "lost": figures["lost"],
        "bookings": round(figures["bookings"], 2),
    }
    problems = [
        f"week 1 {key}: file {expected[key]} vs loaded {loaded[key]}"
        for key in ("deals", "rejected")
        if expected[key] != loaded[key]
    ] + [
        f"week 2 {key}: file {expected_2[key]} vs loaded {loaded_2[key]}"
        for key in expected_2
        if expected_2[key] != loaded_2[key]
    ]

    load_after = os.getloadavg()[0]

    def row(label: str, times: tuple[float, float], rows: int = args.rows) -> str:
        wall, cpu = times
        return f"| {label} | {wall:.2f} | {cpu:.2f} | {rows / wall:,.0f} | {rows / cpu:,.0f} |"

    lines = [
        "# Import benchmark: a large deal export end to end",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}. File: {args.rows:,} rows, {size_mb:,.0f} MB. Load average "
        f"{load_before:.1f} before and {load_after:.1f} after (on {os.cpu_count()} cores: "
        "above that, other programs were taking CPU time and wall times are inflated; CPU "
        "seconds are this process's own, DuckDB's threads included).",
        "",
        "| step | wall s | CPU s | rows/s (wall) | rows/s (CPU) |",
        "| --- | ---: | ---: | ---: | ---: |",
        row(f"pandas.read_csv of the same file (median of {args.runs})", pandas_seconds),
        row("week 1: read the bytes", week_1["read"]),
        row("week 1: plan (decode, split, header, detect, propose)", week_1["plan"]),
        row("week 1: load (typed records, checks, create, write)", week_1["load"]),
        row(
            f"**week 1: end to end** ({result.count('new'):,} new, "
            f"{result.count('rejected'):,} rejected)",
            week_1["total"],
        ),
        row(
            f"week 2: end to end ({week_2['result'].count('updated'):,} updated, "
            f"{week_2['result'].count('unchanged'):,} unchanged, "
            f"{week_2['result'].count('rejected'):,} rejected)",
            week_2["total"],
        ),
        "",
        f"End to end (CPU) is {week_1['total'][1] / pandas_seconds[1]:.1f}x the time "
        "pandas.read_csv takes to parse the same text (which checks nothing and writes nothing).",
        "",
        "Check against the file: "
        + ("all figures agree." if not problems else "; ".join(problems)),
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
