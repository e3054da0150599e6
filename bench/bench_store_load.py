"""Load test of the shared store on loopback: N writer and M reader processes at once.

Starts a throwaway PostgreSQL cluster on 127.0.0.1, builds a demo workspace, moves it to the
store with migrate-store, then runs app-server-like processes (tests/store/writer.py) for a
fixed time: writers save deal changes through dashboard.deals (optimistic concurrency, stale
writes retried), readers compute the Overview's KPIs. Reports throughput and latency
percentiles, and the same reads on the embedded file for comparison. Everything is bounded in
time and stops by itself; nothing leaves the machine.

    python bench/bench_store_load.py --deals 30000 --writers 4 --readers 2 --seconds 30
    python bench/bench_store_load.py --compare-ducklake   # also time a DuckLake catalog
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import metrics, store  # noqa: E402
from dashboard.commands.common import CLI_VIEWER  # noqa: E402
from dashboard.db import (  # noqa: E402
    Database,
    close_all,
    migrate,
    migration_files,
    open_database,
)
from tests.store.postgres_server import start_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def time_reads(db: Database, runs: int) -> list[float]:
    """Milliseconds per KPI computation (the Overview's headline figures), warm."""
    times = []
    with db.reading() as cur:
        metrics.compute_kpis(cur, CLI_VIEWER)
        for _ in range(runs):
            started = time.perf_counter()
            metrics.compute_kpis(cur, CLI_VIEWER)
            times.append((time.perf_counter() - started) * 1000)
    return times


def run_load(url: str, writers: int, readers: int, seconds: float, deals: int) -> dict:
    processes = []
    for index in range(writers):
        # each writer walks its own deals, and every writer also touches deal 1 (contention)
        own = ",".join(str(1 + (index * 50 + step) % deals) for step in range(50))
        processes.append(("write", _spawn(url, "--deals", f"1,{own}", "--seconds", str(seconds))))
    for _ in range(readers):
        processes.append(("read", _spawn(url, "--read", "--seconds", str(seconds))))
    results = {"write": [], "read": []}
    for kind, process in processes:
        out, err = process.communicate(timeout=seconds + 600)
        if process.returncode != 0:
            raise SystemExit(f"a {kind} process failed:\n{err}")
        results[kind].append(json.loads(out.strip().splitlines()[-1]))
    summary = {}
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
    return summary


def _spawn(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.writer", "--url", url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def compare_ducklake(server, source: Path, runs: int) -> dict:
    """The same KPI reads and a one-row update on a DuckLake catalog (PostgreSQL) + Parquet.

    DuckLake takes no primary keys, unique or check constraints and no sequences, so the
    tables are copied without them: this measures speed only, not a usable workspace."""
    import duckdb

    catalog = server.create_database()
    data = Path(tempfile.mkdtemp(prefix="lake-"))
    con = duckdb.connect(config=store.store_config(1))
    con.execute("load postgres")
    con.execute("load ducklake")
    dsn = f"dbname={catalog} host=127.0.0.1 port={server.port} user={server.user}"
    con.execute(  # noqa: S608 - bench only: addresses made here
        f"attach 'ducklake:postgres:{dsn}' as lake (data_path '{data}/')"
    )
    con.execute(f"attach '{source}' as src (read_only)")
    tables = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(f"create table lake.{table} as select * from src.{table}")  # noqa: S608
    macros = [
        statement.query
        for path in migration_files()
        for statement in duckdb.extract_statements(path.read_text())
        if re.match(r"\s*(--[^\n]*\n\s*)*create\s+(or\s+replace\s+)?macro", statement.query, re.I)
    ]
    con.execute("detach src")
    con.execute("use lake")
    pending = list(macros)
    for _ in range(len(macros)):  # macros use each other: create them in an order that binds
        failed = []
        for definition in pending:
            try:
                body = re.sub(r"--[^\n]*", "", definition).strip()
                con.execute(
                    re.sub(
                        r"^create\s+(or\s+replace\s+)?macro",
                        "create or replace temp macro",
                        body,
                        flags=re.I,
                    )
                )
            except duckdb.CatalogException:
                failed.append(definition)
        if not failed:
            break
        pending = failed
    cur = con  # temp macros belong to this connection
    reads = []
    metrics.compute_kpis(cur, CLI_VIEWER)
    for _ in range(runs):
        started = time.perf_counter()
        metrics.compute_kpis(cur, CLI_VIEWER)
        reads.append((time.perf_counter() - started) * 1000)
    updates = []
    for deal_id in range(1, runs + 1):
        started = time.perf_counter()
        cur.execute(
            "update opportunities set amount = amount + 1 where opportunity_id = $id",
            {"id": deal_id},
        )
        updates.append((time.perf_counter() - started) * 1000)
    files = len(list(data.rglob("*.parquet")))
    con.close()
    return {
        "kpi_read_median_ms": round(statistics.median(reads), 1),
        "one_row_update_median_ms": round(statistics.median(updates), 1),
        "parquet_files_after_updates": files,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=30_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--compare-ducklake", action="store_true")
    args = parser.parse_args()
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
        embedded_reads = time_reads(db, args.runs)
        db.close()
        url = server.url(server.create_database())
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard",
                "migrate-store",
                "--from",
                str(source),
                "--to",
                url,
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        migrate_seconds = time.perf_counter() - started
        shared = open_database(url)
        store_reads = time_reads(shared, args.runs)
        close_all()
        report = {
            "deals": args.deals,
            "migrate_store_seconds": round(migrate_seconds, 1),
            "kpi_read_median_ms": {
                "embedded": round(statistics.median(embedded_reads), 1),
                "postgres": round(statistics.median(store_reads), 1),
            },
            "load": run_load(url, args.writers, args.readers, args.seconds, args.deals),
            "seconds": args.seconds,
        }
        print(json.dumps(report, indent=2), flush=True)
        if args.compare_ducklake:
            print(json.dumps({"ducklake": compare_ducklake(server, source, args.runs)}, indent=2))
    finally:
        close_all()
        server.stop()


if __name__ == "__main__":
    main()
