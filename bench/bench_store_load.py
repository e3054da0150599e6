"""Load test of the shared store on loopback: N writer and M reader processes at once.

Starts a throwaway PostgreSQL cluster on 127.0.0.1, builds a demo workspace, moves it to the
store with migrate-store, then runs app-server-like processes (tests/store/writer.py) for a
fixed time: writers save deal changes through dashboard.deals (optimistic concurrency, stale
writes retried), readers compute the Overview's KPIs. Reports throughput, latency percentiles,
conflicts, and whether every saved change is in the data afterwards (lost updates), next to the
same single-process figures on the embedded file. With --compare-ducklake the same workload
runs again on the alternative: a DuckLake catalog in the same PostgreSQL with the data as
Parquet files in a local folder (tests/store/lake.py). Everything is bounded in time and stops
by itself; nothing leaves the machine.

    python bench/bench_store_load.py --deals 30000 --writers 4 --readers 2 --seconds 30
    python bench/bench_store_load.py --compare-ducklake   # also the DuckLake option
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import deals, metrics  # noqa: E402
from dashboard.commands.common import CLI_VIEWER  # noqa: E402
from dashboard.db import Database, close_all, migrate, open_database  # noqa: E402
from tests.store.postgres_server import start_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 60.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def time_one_process(db: Database, runs: int, deal_id: int) -> dict:
    """Single-process medians (ms, warm): the Overview's KPIs, and one deal edit as the page
    saves it (read the deal, then update_deal in one transaction). Also the KPIs themselves,
    so the options can be checked to agree."""
    reads, writes = [], []
    with db.reading() as cur:
        kpis = metrics.compute_kpis(cur, CLI_VIEWER)
        for _ in range(runs):
            started = time.perf_counter()
            metrics.compute_kpis(cur, CLI_VIEWER)
            reads.append((time.perf_counter() - started) * 1000)
    for run in range(runs + 1):
        started = time.perf_counter()
        with db.transaction() as cur:
            deal = deals.get_deal(cur, CLI_VIEWER, deal_id)
            change = {"next_step": f"bench {run}"}
            deals.update_deal(cur, CLI_VIEWER, deal_id, deal["row_version"], change)
        if run:  # the first one warms up
            writes.append((time.perf_counter() - started) * 1000)
    return {
        "kpi_read_ms": round(statistics.median(reads), 1),
        "deal_edit_ms": round(statistics.median(writes), 1),
        "kpis": {key: str(value) for key, value in kpis.items()},
    }


def total_amount(db: Database) -> Decimal:
    with db.reading() as cur:
        return Decimal(str(cur.execute("select sum(amount) from opportunities").fetchone()[0]))


def run_load(
    db: Database, url: str, writers: int, readers: int, seconds: float, deals_count: int, *extra
) -> dict:
    """Writers and readers at once for `seconds`; every saved write adds 1 to a deal's amount,
    so the total amount must grow by exactly the number of saved writes (no lost update)."""
    before = total_amount(db)
    load_before = load_average()
    processes = []
    for index in range(writers):
        # each writer walks its own deals, and every writer also touches deal 1 (contention)
        own = ",".join(str(1 + (index * 50 + step) % deals_count) for step in range(50))
        arguments = ("--deals", f"1,{own}", "--seconds", str(seconds), *extra)
        processes.append(("write", _spawn(url, *arguments)))
    for _ in range(readers):
        processes.append(("read", _spawn(url, "--read", "--seconds", str(seconds), *extra)))
    results = {"write": [], "read": []}
    for kind, process in processes:
        out, err = process.communicate(timeout=seconds + 600)
        if process.returncode != 0:
            raise SystemExit(f"a {kind} process failed:\n{err}")
        results[kind].append(json.loads(out.strip().splitlines()[-1]))
    summary: dict = {"load_average_before": load_before, "load_average_after": load_average()}
    for kind, items in results.items():
        latencies = [value for item in items for value in item["latencies_ms"]]
        done = sum(item["saved"] if kind == "write" else item["reads"] for item in items)
        summary[kind] = {
            "processes": len(items),
            "operations": done,
            "per_second": round(done / seconds, 2),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "conflicts_retried": sum(item["conflicts"] for item in items),
        }
    summary["lost_updates"] = int(summary["write"]["operations"] - (total_amount(db) - before))
    return summary


def _spawn(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.writer", "--url", url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def measure_store(source: Path, server, args: argparse.Namespace) -> dict:
    """The shared store: migrate-store the demo into a new database, then time and load it."""
    url = server.url(server.create_database())
    started = time.perf_counter()
    command = [sys.executable, "-m", "dashboard", "migrate-store", "--from", str(source)]
    subprocess.run([*command, "--to", url], cwd=ROOT, check=True, capture_output=True)
    migrate_seconds = time.perf_counter() - started
    shared = open_database(url)
    try:
        one = time_one_process(shared, args.runs, deal_id=args.deals)
        load = run_load(shared, url, args.writers, args.readers, args.seconds, args.deals)
    finally:
        close_all()
    return {"migrate_store_seconds": round(migrate_seconds, 1), **one, "load": load}


def measure_ducklake(source: Path, server, args: argparse.Namespace) -> dict:
    """The alternative: the same copy, workload and checks on a DuckLake catalog in the same
    PostgreSQL server with its Parquet files in a local folder."""
    from tests.store.lake import LakeDatabase

    catalog = server.create_database()
    dsn = f"dbname={catalog} host=127.0.0.1 port={server.port} user={server.user}"
    data = source.parent / "lake"
    data.mkdir()
    started = time.perf_counter()
    lake = LakeDatabase.create(dsn, data, source)
    copy_seconds = time.perf_counter() - started
    try:
        files_before = lake.count_files()
        one = time_one_process(lake, args.runs, deal_id=args.deals)
        extra = ("--lake-data", str(data))
        load = run_load(lake, dsn, args.writers, args.readers, args.seconds, args.deals, *extra)
        load["parquet_files"] = {"before": files_before, "after": lake.count_files()}
    finally:
        lake.close()
    return {"copy_seconds": round(copy_seconds, 1), **one, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=30_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30.0, help=f"at most {MAX_SECONDS:g}")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--compare-ducklake", action="store_true")
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be between 0 and {MAX_SECONDS:g}")
    server = start_server()
    if server is None:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        source = folder / "demo.duckdb"
        db = Database(str(source))
        migrate(db)
        from dashboard import demo

        demo.build_demo(db, deals=args.deals, seed=7)
        embedded = time_one_process(db, args.runs, deal_id=args.deals - 1)
        db.close()
        report = {
            "deals": args.deals,
            "writers": args.writers,
            "readers": args.readers,
            "seconds": args.seconds,
            "cpus": os.cpu_count(),
            "embedded_one_process": embedded,
            "postgres": measure_store(source, server, args),
        }
        if args.compare_ducklake:
            report["ducklake"] = measure_ducklake(source, server, args)
        options = [name for name in ("postgres", "ducklake") if name in report]
        report["kpis_agree"] = all(report[name]["kpis"] == embedded["kpis"] for name in options)
        for name in ("embedded_one_process", *options):
            report[name].pop("kpis")
        print(json.dumps(report, indent=2), flush=True)
    finally:
        close_all()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
