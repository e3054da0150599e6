"""The compensation commands: plans, assign, statement, close and payroll, JSON or files out."""

from __future__ import annotations

import json

import openpyxl
import pytest

from dashboard import cli
from dashboard.compensation.common import next_quarter, quarter_of
from dashboard.compensation.statements import first_open_quarter
from tests.conftest import TODAY, build_small_demo


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("comp_cli") / "demo.duckdb"
    database = build_small_demo(path, deals=1500, seed=5)
    with database.reading() as cur:
        to_close = first_open_quarter(cur)
    database.close()
    return str(path), to_close


def test_plans_lists_each_plan_with_its_terms(capsys, workspace) -> None:
    path, _ = workspace
    code, out, _ = run(capsys, "comp", "plans", "--db", path)
    plans = json.loads(out)
    assert code == 0
    assert [(p["plan_name"], p["version"], p["measure"]) for p in plans] == [
        ("Account Executive", 2, "bookings"),
        ("International Account Manager", 1, "invoiced"),
    ]
    assert plans[0]["bands"][2] == {
        "floor_pct": "100.00",
        "ceiling_pct": "150.00",
        "rate": "2.2000",
    }
    assert "Capped at 3× the target incentive ($45,000.00)." in plans[0]["terms"]


def test_statement_prints_every_line_and_a_total_equal_to_their_sum(capsys, workspace) -> None:
    path, _ = workspace
    quarter = quarter_of(TODAY).label
    code, out, _ = run(capsys, "comp", "statement", "--db", path, "--quarter", quarter)
    statements = json.loads(out)
    assert code == 0 and len(statements) == 60
    for statement in statements:
        assert sum(float(line["amount"]) for line in statement["lines"]) == pytest.approx(
            float(statement["total"]), abs=1e-9
        )


def test_close_freezes_the_next_quarter_and_refuses_a_running_one(capsys, workspace) -> None:
    path, to_close = workspace
    current = quarter_of(TODAY).label
    code, _, err = run(capsys, "comp", "close", "--db", path, "--quarter", current)
    assert code == 2
    assert "error:" in err and ("has not ended yet" in err or "close in order" in err)
    code, out, err = run(
        capsys, "comp", "close", "--db", path, "--quarter", to_close.label, "--as-of", str(TODAY)
    )
    assert code == 0
    assert json.loads(out)["statements"] == 60
    assert err.splitlines() == [  # progress on stderr, the JSON result alone on stdout
        f"[  0%] Working out the {to_close.label} statements",
        "[ 50%] Freezing 60 statements",
        f"[100%] {to_close.label} closed",
    ]
    code, out, _ = run(
        capsys, "comp", "statement", "--db", path, "--quarter", to_close.label, "--rep-id", "1"
    )
    (frozen,) = json.loads(out)
    assert frozen["status"] == "closed" and len(frozen["content_hash"]) == 64


def test_payroll_writes_csv_and_xlsx(capsys, workspace, tmp_path) -> None:
    path, _ = workspace
    quarter = quarter_of(TODAY).label
    code, out, _ = run(capsys, "comp", "payroll", "--db", path, "--quarter", quarter)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Rep ID,Rep,Team,Quarter,Status,Plan,Base salary")
    assert len(lines) == 61
    target = tmp_path / "payroll.xlsx"
    code, out, _ = run(
        capsys,
        "comp",
        "payroll",
        "--db",
        path,
        "--quarter",
        quarter,
        "--format",
        "xlsx",
        "--out",
        str(target),
    )
    assert code == 0 and json.loads(out)["rows"] == 60
    sheet = openpyxl.load_workbook(target).active
    assert sheet.max_row == 61 and sheet["A1"].value == "Rep ID"


def test_assign_gives_every_active_rep_the_plan_with_their_goal(capsys, workspace) -> None:
    path, _ = workspace
    upcoming = next_quarter(quarter_of(TODAY)).label
    code, out, _ = run(
        capsys,
        "comp",
        "assign",
        "--db",
        path,
        "--quarter",
        upcoming,
        "--plan",
        "account executive",
        "--note",
        "Everyone on the AE plan next quarter",
    )
    assert code == 0
    assert json.loads(out) == {
        "quarter": upcoming,
        "plan": "Account Executive",
        "assignments": 60,
    }
    code, _, err = run(
        capsys, "comp", "assign", "--db", path, "--quarter", upcoming, "--plan", "Nope"
    )
    assert code == 2 and "There is no plan named 'Nope'" in err
    with pytest.raises(SystemExit):
        cli.main(["comp", "assign", "--db", path, "--quarter", "2026-Q5", "--plan", "x"])
    assert "is not a quarter like 2026-Q3" in capsys.readouterr().err
