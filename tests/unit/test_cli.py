"""The command line: same functions as the pages, JSON out, clear errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from dashboard import cli
from dashboard.config import PROJECT_ROOT
from dashboard.db import migration_files

KPI_KEYS = {
    "deals",
    "won",
    "lost",
    "open",
    "win_rate",
    "bookings",
    "avg_deal_size",
    "cycle_days_median",
    "open_pipeline",
    "weighted_pipeline",
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    assert (
        cli.main(
            ["demo", "--db", str(path), "--deals", "1500", "--seed", "5", "--as-of", "2026-06-30"]
        )
        == 0
    )
    return path


def test_init_creates_and_migrates_a_database(capsys, tmp_path) -> None:
    path = tmp_path / "new" / "sales.duckdb"
    code, out, _ = run(capsys, "init", "--db", str(path))
    assert code == 0
    assert json.loads(out)["migrations"] == [path.stem for path in migration_files()]
    assert path.exists()


def test_kpis_print_one_json_object_with_every_key(capsys, demo_file) -> None:
    code, out, _ = run(capsys, "kpis", "--db", str(demo_file), "--json")
    figures = json.loads(out)
    assert code == 0
    assert KPI_KEYS <= figures.keys()
    assert figures["deals"] == 1500
    assert figures["won"] + figures["lost"] + figures["open"] == 1500
    assert figures["win_rate"] == pytest.approx(figures["won"] / (figures["won"] + figures["lost"]))


def test_kpis_by_group_add_up_to_the_total(capsys, demo_file) -> None:
    code, out, _ = run(
        capsys,
        "kpis",
        "--db",
        str(demo_file),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--by",
        "owner",
        "--json",
    )
    figures = json.loads(out)
    assert code == 0
    assert len(figures["groups"]) > 10
    assert all(KPI_KEYS | {"key"} <= group.keys() for group in figures["groups"])
    assert sum(group["bookings"] for group in figures["groups"]) == pytest.approx(
        figures["bookings"], abs=0.005
    )
    assert sum(group["won"] for group in figures["groups"]) == figures["won"]
    assert all(" " in group["key"] for group in figures["groups"])  # reps by display name


def test_kpis_money_is_exact_to_the_cent(capsys, demo_file) -> None:
    _, out, _ = run(capsys, "kpis", "--db", str(demo_file), "--json")
    figures = json.loads(out)
    assert round(figures["bookings"], 2) == figures["bookings"]
    assert round(figures["weighted_pipeline"], 2) == figures["weighted_pipeline"]


def test_a_bad_date_is_refused(capsys, demo_file) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["kpis", "--db", str(demo_file), "--from", "31/12/2026"])
    assert stop.value.code == 2
    assert "is not a date" in capsys.readouterr().err


def test_a_period_that_ends_before_it_starts_is_refused(capsys, demo_file) -> None:
    code, _, err = run(
        capsys, "kpis", "--db", str(demo_file), "--from", "2026-03-01", "--to", "2026-01-01"
    )
    assert code == 2
    assert "before it starts" in err


def test_demo_refuses_a_database_with_data(capsys, demo_file) -> None:
    code, _, err = run(capsys, "demo", "--db", str(demo_file), "--deals", "200")
    assert code == 2
    assert "empty workspace" in err


def test_user_add_reads_the_password_from_stdin(capsys, monkeypatch, demo_file) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "--db",
        str(demo_file),
        "--email",
        "New@Example.com",
        "--role",
        "executive",
        "--name",
        "New Exec",
    )
    assert code == 0
    assert json.loads(out)["email"] == "new@example.com"
    code, out, _ = run(capsys, "user", "list", "--db", str(demo_file))
    emails = {row["email"] for row in json.loads(out)}
    assert {"new@example.com", "admin@demo.local"} <= emails
    assert "password_hash" not in out


def test_user_add_refuses_a_short_password(capsys, monkeypatch, demo_file) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(
        capsys,
        "user",
        "add",
        "--db",
        str(demo_file),
        "--email",
        "s@example.com",
        "--role",
        "analyst",
    )
    assert code == 2
    assert "at least 10 characters" in err


def test_module_entry_point_shows_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("init", "demo", "kpis", "user"):
        assert command in result.stdout


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(demo_file) -> None:
    # like `python -m dashboard goals list | head -c 100`: far more output than a pipe holds
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "goals", "list", "--db", str(demo_file)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert len(process.stdout.read(100)) == 100
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
