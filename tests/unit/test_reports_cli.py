"""`python -m dashboard report ...`: the same packs for schedulers, in every format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard import cli, metrics
from dashboard.auth import Viewer
from dashboard.commands.common import CLI_VIEWER
from dashboard.db import close_database, open_database
from dashboard.reports import model, workflow

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports_cli") / "demo.duckdb"
    code = cli.main(["demo", "--db", str(path), "--deals", "1500", "--seed", "5", "--as-of", AS_OF])
    assert code == 0
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report(
    capsys, demo_file, kind: str, period: str, out, *options: str, fmt: str = "json"
) -> tuple[int, str, str]:
    """`report KIND --period PERIOD --db DEMO --format FMT --out OUT [options]`."""
    return run(
        capsys,
        "report",
        kind,
        "--period",
        period,
        "--db",
        str(demo_file),
        "--format",
        fmt,
        "--out",
        str(out),
        *options,
    )


def test_json_holds_every_figure_of_the_pack(capsys, demo_file, tmp_path) -> None:
    out = tmp_path / "investor.json"
    code, printed, err = report(capsys, demo_file, "investor", "2026-Q1", out, "--as-of", AS_OF)
    assert code == 0
    summary = json.loads(printed)
    assert summary["status"] == "draft" and summary["pack_id"] is None
    assert "[100%] Figures ready" in err  # progress on stderr
    document = json.loads(out.read_text())
    assert document["meta"]["content_hash"] == summary["content_hash"]
    figures = {key: value for key, value in document.items() if key != "meta"}
    assert model.content_hash(model.canonical_json(figures)) == summary["content_hash"]
    assert [section["key"] for section in document["sections"]] == [
        "sales",
        "revenue",
        "plan",
        "recurring",
        "efficiency",
        "customers",
        "returns",
        "team",
    ]
    database = open_database(str(demo_file))
    try:
        with database.reading() as cur:
            kpis = metrics.compute_kpis(
                cur, CLI_VIEWER, metrics.Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
            )
    finally:
        close_database(database)
    assert model.figure_value(document, "sales", "bookings") == kpis["bookings"]
    assert len(list(model.flatten(document))) > 100


@pytest.mark.parametrize("kind", ["board", "partner", "government", "management"])
def test_pdf_xlsx_and_csv_are_written(capsys, demo_file, tmp_path, kind) -> None:
    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"{kind}.{fmt}"
        code, printed, _ = report(
            capsys, demo_file, kind, "2026-Q1", out, "--quiet", "--as-of", AS_OF, fmt=fmt
        )
        assert code == 0, printed
        assert json.loads(printed)["bytes"] == out.stat().st_size
    reader = PdfReader(str(tmp_path / f"{kind}.pdf"))
    assert 1 <= len(reader.pages) <= 20
    assert "2026-Q1" in reader.pages[0].extract_text()
    book = load_workbook(str(tmp_path / f"{kind}.xlsx"))
    assert book.sheetnames[0] == "About" and book.sheetnames[-1] == "Definitions"
    rows = list(csv.reader(io.StringIO((tmp_path / f"{kind}.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "item", "row", "column", "value", "unit"]


def test_a_published_pack_is_what_the_scheduler_gets(capsys, demo_file, tmp_path) -> None:
    database = open_database(str(demo_file))
    try:
        with database.transaction() as cur:
            pack_id = workflow.create_pack(cur, CLI_VIEWER, "partner", "2026-Q1")
            snapshot = workflow.submit_pack(cur, CLI_VIEWER, pack_id, None, dt.date(2026, 6, 30))
        approver = Viewer(user_id=1, email="a@x", display_name="A", role="admin")
        with database.transaction() as cur:
            workflow.approve_pack(cur, approver, pack_id, snapshot)
            digest = workflow.publish_pack(cur, approver, pack_id)
    finally:
        close_database(database)
    out = tmp_path / "partner.json"
    code, printed, _ = report(capsys, demo_file, "partner", "2026-Q1", out, "--quiet")
    assert code == 0
    summary = json.loads(printed)
    assert (summary["status"], summary["pack_id"], summary["content_hash"]) == (
        "published",
        pack_id,
        digest,
    )
    assert json.loads(out.read_text())["meta"]["status_label"] == "Published"
    code, printed, _ = report(capsys, demo_file, "partner", "2026-Q1", out, "--quiet", "--live")
    assert json.loads(printed)["status"] == "draft"


def test_json_to_standard_output(capsys, demo_file) -> None:
    code, printed, err = report(capsys, demo_file, "government", "2026-05", "-", "--quiet")
    assert code == 0
    assert json.loads(printed)["pack"]["period"] == "2026-05"
    assert json.loads(err.strip().splitlines()[-1])["format"] == "json"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--period", "2026-Q5"], "is not a period"),
        (["--period", "2026-Q1", "--team-id", "999"], "no team with id 999"),
        (["--period", "2026-Q1", "--pack-id", "999"], "no report pack #999"),
    ],
)
def test_mistakes_exit_2_with_a_message(capsys, demo_file, tmp_path, argv, message) -> None:
    code, _, err = run(
        capsys,
        "report",
        "investor",
        *argv,
        "--db",
        str(demo_file),
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 2
    assert message in err
    assert not (tmp_path / "x").exists()
